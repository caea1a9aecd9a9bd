"""The learning curve of brand adaptation, simulated from a left-out dataset's own labels.

For each evaluation dataset d of a head (``transfer.EVAL_DOMAINS``): the base model is trained on
every other dataset (as in leave-one-dataset-out); d's posts are split by a stable hash into a
pool the "team" corrects and a test half (GAHD: train is the pool, dev the test). After n
corrections (the first n of the pool in a seeded stable order, so 50 is a subset of 100), the
head is retrained exactly as ``resonanz train --brand`` does it: ``tasks.add_corrections`` with
``adaptation.CORRECTION_WEIGHT``, the shipped artefact's calibration and thresholds reused.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
from scipy import sparse

from . import calibration as cal
from . import datasets as ds
from .artefact import Artefact
from .linear import probabilities
from .tasks import SENTIMENT_CLASSES, HeadData, add_corrections
from .training import TrainConfig, _fitter, char_columns
from .transfer import EVAL_DOMAINS, TEST_FILES, macro_f1

STEPS = (0, 50, 100, 200, 500)


def _label(head: str, target: Any) -> str:
    if head == "sentiment":
        return SENTIMENT_CLASSES[int(target)]
    return "abusive" if target == [1] else "not_abusive"


def learning_curve(
    heads: dict[str, HeadData],
    base: Artefact,
    config: TrainConfig,
    *,
    steps: Sequence[int] = STEPS,
    weight: float | None = None,
    progress: Callable[[str], None] = lambda _m: None,
) -> dict[str, dict[str, dict[int, float]]]:
    """head -> left-out dataset -> {n corrections: macro-F1 on the test half}."""
    from .adaptation import CORRECTION_WEIGHT

    weight = CORRECTION_WEIGHT if weight is None else weight
    space = base.space
    chars = char_columns(space)
    out: dict[str, dict[str, dict[int, float]]] = {}
    for name in ("sentiment", "abuse"):
        data = heads.get(name)
        info = base.manifest["heads"].get(name, {})
        if data is None or not info.get("calibration", {}).get("a"):
            continue
        calibration = cal.Calibration.from_dict(info["calibration"])
        operating = float(info.get("thresholds", {}).get("operating", 0.5))
        offsets = np.asarray(info.get("offsets") or np.zeros(len(data.outputs)))
        features = space.transform(data.texts)
        targets = data.target_array()
        domains = np.asarray(data.domains)
        fitter = _fitter(data, config, chars)
        for domain in EVAL_DOMAINS[name]:
            rows = np.flatnonzero(domains == domain)
            y = targets[rows] if targets.ndim == 1 else targets[rows, 0]
            if len(rows) == 0 or len(np.unique(y)) < 2:
                continue
            subsets = [data.subsets[i] for i in rows]
            if domain in TEST_FILES:
                test_mask = np.array([s == TEST_FILES[domain] for s in subsets])
            else:
                test_mask = np.array([ds.stable_fold(data.groups[i], 2) == 0 for i in rows])
            pool = sorted(
                rows[~test_mask], key=lambda i: ds.stable_fold(f"{config.seed}:{data.texts[i]}", 1 << 30)
            )
            test = rows[test_mask]
            base_rows = np.flatnonzero(domains != domain)
            curve: dict[int, float] = {}
            previous = None
            for n in steps:
                if n > len(pool):
                    break
                progress(f"learning curve: {name}, {domain} left out, {n} corrections")
                corrections = [(data.texts[i], name, _label(name, data.targets[i])) for i in pool[:n]]
                sub = HeadData(name, data.kind, data.outputs)
                for i in base_rows:
                    sub.add(data.texts[i], data.targets[i], data.groups[i], data.domains[i], data.weights[i])
                add_corrections({name: sub}, corrections, weight)
                # the corrections are rows of this dataset: reuse their feature rows, in the order
                # add_corrections appended them
                x = sparse.vstack([features[base_rows], features[pool[:n]]]).tocsr()
                raw = fitter(x, sub.target_array(), np.asarray(sub.weights), previous)
                previous = raw  # warm start: the next step adds a few rows to the same problem
                head = cal.fold(raw, calibration)
                logits = head.logits(features[test])
                if data.kind == "softmax":
                    pred = (logits + offsets).argmax(axis=1)  # the shipped decision rule
                    curve[n] = round(macro_f1(targets[test], pred, len(data.outputs)), 4)
                else:
                    pred = probabilities("sigmoid", logits)[:, 0] >= operating
                    curve[n] = round(macro_f1(targets[test, 0], pred.astype(int), 2), 4)
            out.setdefault(name, {})[domain] = curve
    return out
