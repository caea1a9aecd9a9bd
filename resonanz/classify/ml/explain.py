"""Explanations for moderators: which words and word pairs drove a learned label.

A linear score is a sum of feature value x weight. Char n-gram contributions are summed back
onto the words they came from, so moderators see words ("unverschämt", "danke") rather than
n-grams ("schä"). Rule-based labels explain themselves with the rule that fired.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from itertools import pairwise

import numpy as np

from .features import FeatureSpace, normalise, tokens

TOP_K = 3


@dataclass(frozen=True)
class Evidence:
    feature: str
    weight: float

    def to_dict(self) -> dict[str, object]:
        return asdict(self)


def word_contributions(
    space: FeatureSpace, text: str, indices: np.ndarray, values: np.ndarray, weights: np.ndarray
) -> tuple[list[str], np.ndarray]:
    """Contribution of every word / word pair of ``text`` to each column of ``weights``.

    ``indices``/``values``: the text's sparse feature row; ``weights``: (len(indices), k), the
    weight rows of those features. Returns the units and a (len(units), k) matrix. Built as one
    scatter-add instead of per-feature numpy operations (explanations must not dominate run time).
    """
    contributions = values[:, None] * weights
    position = dict(zip(indices.tolist(), range(len(indices)), strict=True))
    toks = tokens(normalise(text))
    units: list[str] = []
    unit_ids: list[int] = []
    positions: list[int] = []
    seen: set[str] = set()
    for tok in toks:
        if tok in seen:
            continue
        seen.add(tok)
        found = [position[j] for j in set(space._token_indices(tok)) if j in position]
        unit_ids.extend([len(units)] * len(found))
        positions.extend(found)
        units.append(tok)
    for a, b in pairwise(toks):
        pair = position.get(space.index.get(f"w:{a} {b}", -1))
        if pair is not None:
            unit_ids.append(len(units))
            positions.append(pair)
            units.append(f"{a} {b}")
    totals = np.zeros((len(units), weights.shape[1]))
    np.add.at(
        totals, np.asarray(unit_ids, dtype=np.int64), contributions[np.asarray(positions, dtype=np.int64)]
    )
    return units, totals


def top_evidence(
    units: tuple[list[str], np.ndarray], column: int, *, sign: float = 1.0, k: int = TOP_K
) -> list[Evidence]:
    """The ``k`` words pushing column ``column`` most in direction ``sign`` (+1 towards the label)."""
    names, totals = units
    scores = sign * totals[:, column]
    order = [int(i) for i in np.argsort(-scores, kind="stable")[: k * 2] if scores[i] > 0]
    best = sorted((-float(scores[i]), names[i]) for i in order)[:k]
    return [Evidence(name, round(-score * sign, 4)) for score, name in best]
