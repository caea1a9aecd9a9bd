"""Calibration of head scores, fitted on out-of-domain (leave-one-dataset-out) logits.

Both maps are affine in the logits, so they fold into a head's weights (``fold``): calibrated
probabilities cost nothing at inference time and the artefact format does not change.

- sigmoid heads: Platt scaling per output, ``p = sigmoid(a * z + b)``;
- softmax heads: vector scaling (Guo et al. 2017), ``p = softmax(a * z + b)`` with one ``a`` and
  ``b`` per class — temperature scaling plus a prior shift, which is what a new domain needs most.

Also here: the reliability table (mean predicted probability vs observed frequency per bin) that
docs/classify.md shows, and the expected calibration error.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy.optimize import minimize

from .linear import HeadKind, LinearHead, probabilities

L2 = 1e-3  # keeps a and b finite when one domain is (almost) separable


@dataclass
class Calibration:
    a: np.ndarray  # per output
    b: np.ndarray

    @classmethod
    def identity(cls, n_outputs: int) -> Calibration:
        return cls(np.ones(n_outputs), np.zeros(n_outputs))

    def apply(self, logits: np.ndarray) -> np.ndarray:
        return np.asarray(logits) * self.a + self.b

    def to_dict(self) -> dict[str, Any]:
        return {"a": [round(float(v), 6) for v in self.a], "b": [round(float(v), 6) for v in self.b]}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Calibration:
        return cls(np.asarray(data["a"], dtype=np.float64), np.asarray(data["b"], dtype=np.float64))


def fit(
    kind: HeadKind, logits: np.ndarray, targets: np.ndarray, weights: np.ndarray | None = None
) -> Calibration:
    """Minimise the (weighted) log loss of the affine map on out-of-domain logits."""
    logits = np.asarray(logits, dtype=np.float64)
    n_out = logits.shape[1]
    w = np.ones(len(logits)) if weights is None else np.asarray(weights, dtype=np.float64)
    w = w / w.sum()
    if kind == "softmax":
        onehot = np.eye(n_out)[np.asarray(targets, dtype=np.int64)]

        def loss(params: np.ndarray) -> tuple[float, np.ndarray]:
            a, b = params[:n_out], params[n_out:]
            z = logits * a + b
            z = z - z.max(axis=1, keepdims=True)
            logp = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
            p = np.exp(logp)
            value = -float((w[:, None] * onehot * logp).sum())
            grad_z = w[:, None] * (p - onehot)
            reg = params - np.concatenate([np.ones(n_out), np.zeros(n_out)])
            return value + L2 * float(reg @ reg), np.concatenate(
                [(grad_z * logits).sum(axis=0), grad_z.sum(axis=0)]
            ) + 2 * L2 * reg

        start = np.concatenate([np.ones(n_out), np.zeros(n_out)])
        found = minimize(loss, start, jac=True, method="L-BFGS-B")
        return Calibration(found.x[:n_out], found.x[n_out:])
    targets = np.asarray(targets).reshape(len(logits), -1)
    a, b = np.ones(n_out), np.zeros(n_out)
    for col in range(n_out):
        y = targets[:, col].astype(np.float64)
        if y.min() == y.max():
            continue  # nothing to calibrate against: keep the identity
        z = logits[:, col]

        def loss1(params: np.ndarray, z: np.ndarray = z, y: np.ndarray = y) -> tuple[float, np.ndarray]:
            s = params[0] * z + params[1]
            # log(1 + e^s) - y s, numerically stable
            value = float((w * (np.logaddexp(0.0, s) - y * s)).sum())
            g = w * (1.0 / (1.0 + np.exp(-np.clip(s, -30, 30))) - y)
            reg = params - np.array([1.0, 0.0])
            return value + L2 * float(reg @ reg), np.array([(g * z).sum(), g.sum()]) + 2 * L2 * reg

        found = minimize(loss1, np.array([1.0, 0.0]), jac=True, method="L-BFGS-B")
        a[col], b[col] = found.x
    return Calibration(a, b)


def fold(head: LinearHead, calibration: Calibration) -> LinearHead:
    """The head whose raw logits are the calibrated logits (same decisions up to ``offsets``)."""
    return LinearHead(
        head.name,
        head.kind,
        head.outputs,
        head.coef * calibration.a[:, None],
        head.intercept * calibration.a + calibration.b,
        head.offsets,
    )


def reliability(probs: np.ndarray, observed: np.ndarray, bins: int = 10) -> list[dict[str, Any]]:
    """Equal-width bins of predicted probability: n, mean predicted, observed frequency."""
    probs, observed = (
        np.asarray(probs, dtype=np.float64).ravel(),
        np.asarray(observed, dtype=np.float64).ravel(),
    )
    edges = np.linspace(0.0, 1.0, bins + 1)
    which = np.clip(np.digitize(probs, edges[1:-1]), 0, bins - 1)
    rows = []
    for k in range(bins):
        mask = which == k
        if mask.any():
            rows.append(
                {
                    "bin": f"{edges[k]:.1f}-{edges[k + 1]:.1f}",
                    "n": int(mask.sum()),
                    "predicted": round(float(probs[mask].mean()), 3),
                    "observed": round(float(observed[mask].mean()), 3),
                }
            )
    return rows


def expected_calibration_error(probs: np.ndarray, observed: np.ndarray, bins: int = 10) -> float:
    table = reliability(probs, observed, bins)
    total = sum(row["n"] for row in table)
    return round(sum(row["n"] * abs(row["predicted"] - row["observed"]) for row in table) / total, 4)


def head_reliability(
    kind: HeadKind, logits: np.ndarray, targets: np.ndarray
) -> tuple[list[dict[str, Any]], float]:
    """Class-wise reliability of calibrated logits: every (post, class) pair is one prediction."""
    probs = probabilities(kind, logits)
    if kind == "softmax":
        observed = np.eye(probs.shape[1])[np.asarray(targets, dtype=np.int64)]
    else:
        observed = np.asarray(targets).reshape(probs.shape)
    return reliability(probs, observed), expected_calibration_error(probs, observed)
