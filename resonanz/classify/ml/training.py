"""Training all heads: feature space, grouped stratified k-fold CV, decision offsets, final fit.

Reproducible: fold assignment and solvers use the given seed, the vocabulary is ordered
deterministically, and the data are read in a fixed order. Decision offsets (thresholds) are
cross-fitted: the offsets applied to fold k were tuned on the other folds' out-of-fold scores,
so the reported CV figures do not see their own threshold tuning.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from scipy import sparse
from sklearn.model_selection import StratifiedGroupKFold

from . import calibration as cal
from . import datasets as ds
from . import transfer
from .artefact import Artefact, save
from .evaluation import multi_label_metrics, single_label_metrics
from .features import FeatureSpace
from .linear import Component, LinearHead, decide, fit_head
from .tasks import HeadData, add_corrections, build_heads

Progress = Callable[[str], None]
GRID = np.round(np.arange(-3.0, 3.01, 0.1), 2)
HEAD_C = {"sentiment": 2.0, "aspects": 8.0}  # aspects by CV; sentiment by leave-one-dataset-out
DEFAULT_C = 2.0
NB_HEADS: set[str] = set()  # NB-weighted LR won GermEval 2017 CV but transferred worse (docs/classify.md)
# Ensembles (softmax heads): a weighted sum of linear models (linear.Component). The GermEval 2017
# ensemble of 2026-12-01 was chosen on that dataset's CV; leave-one-dataset-out selection prefers
# one balanced LR (docs/classify.md), which also trains 3x faster.
HEAD_ENSEMBLE: dict[str, tuple[Component, ...]] = {}


@dataclass
class TrainConfig:
    data_dir: Path
    seed: int = 13
    folds: int = 5  # 0 disables cross-validation
    permissive_only: bool = False
    max_features: int = 200_000
    min_df: int = 2
    loo: bool = True  # leave-one-dataset-out evaluation, calibration and thresholds (needs folds >= 2)
    # head -> {"calibration": {...}, "thresholds": {...}} reused when this run does not fit them
    # (--no-cv, brand adaptation): the shipped artefact's out-of-domain calibration
    reuse: dict[str, dict[str, Any]] = field(default_factory=dict)


@dataclass
class HeadResult:
    head: LinearHead
    datasets: list[str]
    n_train: int
    cv: dict[str, Any] = field(default_factory=dict)  # per domain metrics
    loo: dict[str, Any] = field(default_factory=dict)  # leave-one-dataset-out report
    calibration: dict[str, Any] = field(default_factory=dict)
    thresholds: dict[str, float] = field(default_factory=dict)


def model_description(name: str) -> str:
    if name in HEAD_ENSEMBLE:
        members = ", ".join(m.describe() for m in HEAD_ENSEMBLE[name])
        return f"sum of centred logits of linear models: {members}"
    if name in NB_HEADS:
        return "NB-weighted logistic regression, one-vs-rest"
    return "logistic regression, balanced class weights"


def _quiet(message: str) -> None:
    del message


def fold_ids(head: HeadData, folds: int, seed: int) -> np.ndarray:
    """Fold per row: stratified, grouped (duplicates / videos together), per source dataset."""
    ids = np.zeros(len(head.texts), dtype=np.int64)
    domains = np.asarray(head.domains)
    targets = head.target_array()
    strat = targets if targets.ndim == 1 else targets.sum(axis=1).clip(0, 1) * 2 + targets[:, 0]
    for domain in head.datasets:
        idx = np.flatnonzero(domains == domain)
        groups = [head.groups[i] for i in idx]
        if len(set(groups)) < folds * 2 or np.bincount(strat[idx]).min(initial=len(idx)) < folds:
            ids[idx] = [ds.stable_fold(g + str(seed), folds) for g in groups]
            continue
        splitter = StratifiedGroupKFold(folds, shuffle=True, random_state=seed)
        for k, (_, test) in enumerate(splitter.split(idx, strat[idx], groups)):
            ids[idx[test]] = k
    return ids


def tune_offsets(head: LinearHead, logits: np.ndarray, targets: np.ndarray) -> np.ndarray:
    """Offsets maximising micro+macro F1 (softmax) or each output's F1 / macro-F1 (sigmoid)."""
    if head.kind == "softmax":
        ref = int(np.bincount(targets, minlength=len(head.outputs)).argmax())
        others = [i for i in range(len(head.outputs)) if i != ref]
        best, best_score = np.zeros(len(head.outputs)), -1.0
        for a in GRID:
            for b in GRID if len(others) > 1 else [0.0]:
                offsets = np.zeros(len(head.outputs))
                offsets[others[0]] = a
                if len(others) > 1:
                    offsets[others[1]] = b
                pred = decide("softmax", logits, offsets)
                score = _softmax_score(pred, targets, len(head.outputs)) - 1e-4 * (abs(a) + abs(b))
                if score > best_score:
                    best, best_score = offsets, score
        return best
    offsets = np.zeros(len(head.outputs))
    for col in range(len(head.outputs)):
        scores = [
            _binary_score(logits[:, col] + g > 0, targets[:, col] == 1, len(head.outputs) == 1) for g in GRID
        ]
        # ties: prefer the offset closest to 0 (no adjustment)
        offsets[col] = max(zip(scores, -np.abs(GRID), GRID, strict=True))[2]
    return offsets


def _softmax_score(pred: np.ndarray, gold: np.ndarray, n: int) -> float:
    f1s = []
    for cls in range(n):
        tp = np.sum((pred == cls) & (gold == cls))
        denom = np.sum(pred == cls) + np.sum(gold == cls)
        f1s.append(2 * tp / denom if denom else 0.0)
    return float(np.mean(pred == gold) + np.mean(f1s))


def _binary_score(pred: np.ndarray, gold: np.ndarray, macro: bool) -> float:
    tp, fp, fn = np.sum(pred & gold), np.sum(pred & ~gold), np.sum(~pred & gold)
    tn = len(gold) - tp - fp - fn
    f1_pos = 2 * tp / (2 * tp + fp + fn) if tp else 0.0
    if not macro:
        return float(f1_pos)
    f1_neg = 2 * tn / (2 * tn + fp + fn) if tn else 0.0
    return float((f1_pos + f1_neg) / 2)


def head_metrics(head: LinearHead, decisions: np.ndarray, targets: np.ndarray) -> dict[str, Any]:
    """Metrics in the format of the evaluate command for one domain's rows."""
    if head.kind == "softmax":
        gold = [head.outputs[i] for i in targets]
        return single_label_metrics(gold, [head.outputs[i] for i in decisions], head.outputs)
    if len(head.outputs) == 1:
        name = head.outputs[0]
        labels = [f"not_{name}", name]
        return single_label_metrics(
            [labels[int(v)] for v in targets[:, 0]], [labels[int(v)] for v in decisions[:, 0]], labels
        )
    gold_sets = [[o for o, v in zip(head.outputs, row, strict=True) if v] for row in targets]
    pred_sets = [[o for o, v in zip(head.outputs, row, strict=True) if v] for row in decisions]
    return multi_label_metrics(gold_sets, pred_sets, head.outputs)


def char_columns(space: FeatureSpace) -> np.ndarray:
    """Indices of the char n-gram features (word features carry the ``w:`` prefix)."""
    return np.flatnonzero([not term.startswith("w:") for term in space.terms])


def cross_validate(
    data: HeadData,
    features: sparse.csr_matrix,
    config: TrainConfig,
    chars: np.ndarray | None = None,
) -> dict[str, Any]:
    """Out-of-fold scores with cross-fitted offsets; returns metrics per source dataset."""
    targets = data.target_array()
    weights = np.asarray(data.weights)
    ids = fold_ids(data, config.folds, config.seed)
    logits = np.zeros((len(targets), len(data.outputs)))
    c = HEAD_C.get(data.name, DEFAULT_C)
    for k in range(config.folds):
        train, test = ids != k, ids == k
        if not test.any():
            continue
        head = fit_head(
            data.name,
            data.kind,
            data.outputs,
            features[train],
            targets[train],
            c=c,
            sample_weight=weights[train],
            seed=config.seed,
            nb=data.name in NB_HEADS,
            ensemble=HEAD_ENSEMBLE.get(data.name, ()),
            char_columns=chars,
        )
        logits[test] = head.logits(features[test])
    template = LinearHead(data.name, data.kind, data.outputs, np.zeros((1, 1)), np.zeros(1))
    decisions = np.zeros(logits.shape if data.kind == "sigmoid" else len(targets), dtype=np.int64)
    for k in range(config.folds):
        test = ids == k
        if test.any():
            offsets = tune_offsets(template, logits[~test], targets[~test])
            decisions[test] = decide(data.kind, logits[test], offsets)
    domains = np.asarray(data.domains)
    return {
        domain: head_metrics(template, decisions[domains == domain], targets[domains == domain])
        for domain in data.datasets
        if domain != "brand"
    } | {
        "_offsets": tune_offsets(template, logits, targets).tolist(),
        "_folds": config.folds,
        "_logits": logits,
    }


def _fitter(data: HeadData, config: TrainConfig, chars: np.ndarray | None) -> transfer.Fitter:
    def fit(
        features: sparse.csr_matrix, targets: np.ndarray, weights: np.ndarray, init: LinearHead | None = None
    ) -> LinearHead:
        return fit_head(
            data.name,
            data.kind,
            data.outputs,
            features,
            targets,
            c=HEAD_C.get(data.name, DEFAULT_C),
            sample_weight=weights,
            seed=config.seed,
            nb=data.name in NB_HEADS,
            ensemble=HEAD_ENSEMBLE.get(data.name, ()),
            char_columns=chars,
            init=init,
        )

    return fit


def train_head(
    data: HeadData,
    features: sparse.csr_matrix,
    config: TrainConfig,
    progress: Progress = _quiet,
    chars: np.ndarray | None = None,
) -> HeadResult:
    """Within-dataset CV, leave-one-dataset-out, final fit; calibration folded into the weights."""
    targets = data.target_array()
    fitter = _fitter(data, config, chars)
    cv: dict[str, Any] = {}
    offsets = np.zeros(len(data.outputs))
    oof: np.ndarray | None = None
    if config.folds >= 2:
        progress(f"{data.name}: {config.folds}-fold cross-validation on {len(targets)} rows")
        cv = cross_validate(data, features, config, chars)
        offsets = np.asarray(cv.pop("_offsets"))
        oof = cv.pop("_logits")
    loo = (
        transfer.evaluate(data, features, fitter, progress, oof) if config.loo and config.folds >= 2 else None
    )
    progress(f"{data.name}: fitting on {len(targets)} rows")
    head = fitter(features, targets, np.asarray(data.weights))
    result = HeadResult(head, data.datasets, len(targets), cv)
    if loo is not None:
        # out-of-domain calibration and thresholds (transfer.py); decisions on calibrated scores
        result.calibration = loo.calibration.to_dict() | {"fitted_on": "leave-one-dataset-out logits"}
        result.thresholds = loo.thresholds
        result.loo = loo.report
        result.head = cal.fold(head, loo.calibration)
        result.head.offsets = (
            loo.offsets
            if loo.offsets is not None
            else _threshold_offsets(data.kind, len(data.outputs), loo.thresholds)
        )
    elif data.name in config.reuse:
        reused = config.reuse[data.name]
        calibration = cal.Calibration.from_dict(reused["calibration"])
        if len(calibration.a) == len(data.outputs):
            result.calibration = reused["calibration"] | {"fitted_on": "reused from the base artefact"}
            result.thresholds = dict(reused.get("thresholds", {}))
            result.head = cal.fold(head, calibration)
            # the base artefact's offsets live on the same calibrated scale
            result.head.offsets = np.asarray(reused.get("offsets") or np.zeros(len(data.outputs)))
        else:
            head.offsets = offsets
    elif oof is not None and data.kind == "sigmoid":
        # single-domain heads: Platt scaling on out-of-fold logits (no other domain to calibrate on)
        calibration = cal.fit("sigmoid", oof, targets)
        if (calibration.a > 0).all():
            table, ece = cal.head_reliability("sigmoid", calibration.apply(oof), targets)
            result.calibration = calibration.to_dict() | {
                "fitted_on": "out-of-fold logits (within-dataset CV)",
                "reliability": table,
                "ece": ece,
            }
            result.head = cal.fold(head, calibration)
            # same decisions as before: z + o > 0  <=>  a z + b + (a o - b) > 0
            result.head.offsets = calibration.a * offsets - calibration.b
        else:
            head.offsets = offsets
    else:
        head.offsets = offsets
    return result


def _threshold_offsets(kind: str, n_outputs: int, thresholds: dict[str, float]) -> np.ndarray:
    """Softmax heads decide by the calibrated argmax; sigmoid heads at the operating probability."""
    if kind == "softmax" or "operating" not in thresholds:
        return np.zeros(n_outputs)
    t = float(np.clip(thresholds["operating"], 1e-6, 1 - 1e-6))
    return np.full(n_outputs, -np.log(t / (1 - t)))


def reuse_from(manifest: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Calibration and thresholds of an artefact's heads, for a run that does not fit its own."""
    return {
        name: {
            "calibration": info["calibration"],
            "thresholds": info.get("thresholds", {}),
            "offsets": info.get("offsets", []),
        }
        for name, info in manifest.get("heads", {}).items()
        if info.get("calibration", {}).get("a")
    }


def fit_space(heads: dict[str, HeadData], config: TrainConfig) -> FeatureSpace:
    """One vocabulary over the (deduplicated) texts of all heads."""
    texts = list(dict.fromkeys(text for head in heads.values() for text in head.texts))
    return FeatureSpace.fit(texts, min_df=config.min_df, max_features=config.max_features)


def train_heads(
    heads: dict[str, HeadData], space: FeatureSpace, config: TrainConfig, progress: Progress = _quiet
) -> dict[str, HeadResult]:
    cache: dict[str, sparse.csr_matrix] = {}
    results: dict[str, HeadResult] = {}
    chars = char_columns(space)
    for name, data in heads.items():
        # heads trained on the same texts (GermEval 2017, 2021) share one feature matrix
        key = str(hash(tuple(data.texts)))
        if key not in cache:
            progress(f"{name}: extracting features of {len(data.texts)} texts")
            cache[key] = space.transform(data.texts)
        results[name] = train_head(data, cache[key], config, progress, chars)
    return results


def train_all(
    config: TrainConfig,
    out_dir: Path,
    *,
    progress: Progress = _quiet,
    corrections: list[tuple[str, str, str]] | None = None,
    correction_weight: float = 10.0,
    extra_info: dict[str, Any] | None = None,
) -> Artefact:
    """Train every head that has data, optionally with a brand's corrections, and save the artefact."""
    progress(f"reading datasets from {config.data_dir}")
    heads = build_heads(config.data_dir, permissive_only=config.permissive_only)
    added = add_corrections(heads, corrections or [], correction_weight)
    if not heads:
        raise ValueError(f"no training data found in {config.data_dir}")
    progress(f"fitting the feature space on the texts of {len(heads)} heads")
    space = fit_space(heads, config)
    results = train_heads(heads, space, config, progress)
    info: dict[str, Any] = {
        "seed": config.seed,
        "folds": config.folds,
        "permissive_only": config.permissive_only,
        "cv_protocol": (
            f"{config.folds}-fold StratifiedGroupKFold per source dataset (seed {config.seed}); groups = "
            "normalised text (Flausch: video id); decision offsets cross-fitted on the other folds"
        ),
        "loo_protocol": (
            "per head, each evaluation dataset left out in turn (sentiment: "
            + ", ".join(transfer.EVAL_DOMAINS["sentiment"])
            + "; abuse: "
            + ", ".join(transfer.EVAL_DOMAINS["abuse"])
            + "; GAHD scored on its dev split); auxiliary rows always trained on; calibration and "
            "thresholds applied to a dataset fitted on the other datasets' LOO outputs only"
        )
        if config.loo and config.folds >= 2
        else "not run (calibration and thresholds reused from the base artefact where present)",
        "brand_corrections": added,
        "heads": {
            name: {
                "datasets": [
                    {"name": d, "license": ds.LICENSES[d].license, "permissive": ds.LICENSES[d].permissive}
                    for d in result.datasets
                    if d in ds.LICENSES
                ]
                + (
                    [{"name": "brand", "license": "the brand's own data", "permissive": True}]
                    if "brand" in result.datasets
                    else []
                ),
                "n_train": result.n_train,
                "model": model_description(name),
                "c": HEAD_C.get(name, DEFAULT_C),
                "offsets": result.head.offsets.tolist(),
                "cv": result.cv,
                "loo": result.loo,
                "calibration": result.calibration,
                "thresholds": result.thresholds,
            }
            for name, result in results.items()
        },
    } | (extra_info or {})
    progress(f"writing artefact to {out_dir}")
    return save(space, {name: r.head for name, r in results.items()}, info, out_dir)
