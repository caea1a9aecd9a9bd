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

from . import datasets as ds
from .artefact import Artefact, save
from .evaluation import multi_label_metrics, single_label_metrics
from .features import FeatureSpace
from .linear import Component, LinearHead, decide, fit_head
from .tasks import HeadData, add_corrections, build_heads

Progress = Callable[[str], None]
GRID = np.round(np.arange(-3.0, 3.01, 0.1), 2)
HEAD_C = {"sentiment": 4.0, "aspects": 8.0}  # chosen by CV (docs/classify.md); others use DEFAULT_C
DEFAULT_C = 2.0
NB_HEADS = {"sentiment"}  # NB-weighted logistic regression beat plain LR under CV here only
# Ensembles (softmax heads): members and weights chosen by CV, see docs/classify.md. With a missing
# class (e.g. a brand's corrections alone) the head falls back to the NB/plain model above.
# Weights ~ 1 / std of each member's out-of-fold centred logits on GermEval 2017.
HEAD_ENSEMBLE: dict[str, tuple[Component, ...]] = {
    "sentiment": (
        Component("nb_lr", 8.0, 0.49),
        Component("lr_unbalanced", 4.0, 0.68),
        Component("lr_char", 8.0, 0.70),
    )
}


@dataclass
class TrainConfig:
    data_dir: Path
    seed: int = 13
    folds: int = 5  # 0 disables cross-validation
    permissive_only: bool = False
    max_features: int = 200_000
    min_df: int = 2


@dataclass
class HeadResult:
    head: LinearHead
    datasets: list[str]
    n_train: int
    cv: dict[str, Any] = field(default_factory=dict)  # per domain metrics


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
    } | {"_offsets": tune_offsets(template, logits, targets).tolist(), "_folds": config.folds}


def train_head(
    data: HeadData,
    features: sparse.csr_matrix,
    config: TrainConfig,
    progress: Progress = _quiet,
    chars: np.ndarray | None = None,
) -> HeadResult:
    targets = data.target_array()
    cv: dict[str, Any] = {}
    offsets = np.zeros(len(data.outputs))
    if config.folds >= 2:
        progress(f"{data.name}: {config.folds}-fold cross-validation on {len(targets)} rows")
        cv = cross_validate(data, features, config, chars)
        offsets = np.asarray(cv.pop("_offsets"))
    progress(f"{data.name}: fitting on {len(targets)} rows")
    head = fit_head(
        data.name,
        data.kind,
        data.outputs,
        features,
        targets,
        c=HEAD_C.get(data.name, DEFAULT_C),
        sample_weight=np.asarray(data.weights),
        seed=config.seed,
        nb=data.name in NB_HEADS,
        ensemble=HEAD_ENSEMBLE.get(data.name, ()),
        char_columns=chars,
    )
    head.offsets = offsets
    return HeadResult(head, data.datasets, len(targets), cv)


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
            }
            for name, result in results.items()
        },
    } | (extra_info or {})
    progress(f"writing artefact to {out_dir}")
    return save(space, {name: r.head for name, r in results.items()}, info, out_dir)
