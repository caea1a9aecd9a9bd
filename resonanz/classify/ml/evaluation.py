"""Metrics: micro/macro F1, per-class scores and the GermEval 2018/2021 ``official_f1``.

``official_f1`` is the harmonic mean of macro-precision and macro-recall, as computed by the
GermEval 2018 and 2021 evaluation scripts (it differs slightly from the mean of per-class F1).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any


def _prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def single_label_metrics(
    gold: Sequence[str], predicted: Sequence[str], classes: Sequence[str]
) -> dict[str, Any]:
    """Metrics for exclusive classes. Micro-F1 equals accuracy here."""
    if len(gold) != len(predicted):
        raise ValueError("gold and predicted differ in length")
    per_class: dict[str, dict[str, float]] = {}
    precisions, recalls, f1s = [], [], []
    for cls in classes:
        tp = sum(1 for g, p in zip(gold, predicted, strict=True) if g == cls and p == cls)
        fp = sum(1 for g, p in zip(gold, predicted, strict=True) if g != cls and p == cls)
        fn = sum(1 for g, p in zip(gold, predicted, strict=True) if g == cls and p != cls)
        precision, recall, f1 = _prf(tp, fp, fn)
        per_class[cls] = {"precision": precision, "recall": recall, "f1": f1, "support": tp + fn}
        precisions.append(precision)
        recalls.append(recall)
        f1s.append(f1)
    n = len(gold)
    accuracy = sum(1 for g, p in zip(gold, predicted, strict=True) if g == p) / n if n else 0.0
    macro_p = sum(precisions) / len(classes)
    macro_r = sum(recalls) / len(classes)
    official = 2 * macro_p * macro_r / (macro_p + macro_r) if macro_p + macro_r else 0.0
    return {
        "n": n,
        "micro_f1": accuracy,
        "macro_f1": sum(f1s) / len(classes),
        "official_f1": official,
        "per_class": per_class,
    }


def multi_label_metrics(
    gold: Sequence[Sequence[str]], predicted: Sequence[Sequence[str]], classes: Sequence[str]
) -> dict[str, Any]:
    """Micro-F1 over all (document, label) decisions and macro-F1 over labels."""
    per_class: dict[str, dict[str, float]] = {}
    total_tp = total_fp = total_fn = 0
    f1s = []
    for cls in classes:
        tp = sum(1 for g, p in zip(gold, predicted, strict=True) if cls in g and cls in p)
        fp = sum(1 for g, p in zip(gold, predicted, strict=True) if cls not in g and cls in p)
        fn = sum(1 for g, p in zip(gold, predicted, strict=True) if cls in g and cls not in p)
        precision, recall, f1 = _prf(tp, fp, fn)
        per_class[cls] = {"precision": precision, "recall": recall, "f1": f1, "support": tp + fn}
        total_tp, total_fp, total_fn = total_tp + tp, total_fp + fp, total_fn + fn
        f1s.append(f1)
    _, _, micro = _prf(total_tp, total_fp, total_fn)
    return {
        "n": len(gold),
        "micro_f1": micro,
        "macro_f1": sum(f1s) / len(f1s) if f1s else 0.0,
        "per_class": per_class,
    }


def format_report(task: str, metrics: dict[str, Any]) -> str:
    """Human-readable table of the metrics (printed before the JSON line)."""
    lines = [f"task: {task}   n = {metrics['n']}"]
    lines.append(f"{'class':<32}{'precision':>10}{'recall':>10}{'f1':>10}{'support':>10}")
    for cls, scores in metrics["per_class"].items():
        lines.append(
            f"{cls:<32}{scores['precision']:>10.3f}{scores['recall']:>10.3f}"
            f"{scores['f1']:>10.3f}{int(scores['support']):>10d}"
        )
    lines.append(f"micro-F1 {metrics['micro_f1']:.4f}   macro-F1 {metrics['macro_f1']:.4f}")
    if "official_f1" in metrics:
        lines.append(f"official F1 (harmonic mean of macro-P and macro-R) {metrics['official_f1']:.4f}")
    return "\n".join(lines)
