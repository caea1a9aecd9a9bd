"""Evaluating a classifier on a labelled TSV file (the ``resonanz evaluate`` contract).

Each task names its label column and allowed labels, and how to read the prediction off a
:class:`ClassificationResult`. Malformed files raise :class:`DataFormatError` naming the line.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import datasets as ds
from .evaluation import multi_label_metrics, single_label_metrics
from .pipeline import ClassificationResult, Classifier

KNOWN_ASPECTS = (
    "Allgemein",
    "Atmosphäre",
    "Auslastung_und_Platzangebot",
    "Barrierefreiheit",
    "Connectivity",
    "DB_App_und_Website",
    "Design",
    "Gastronomisches_Angebot",
    "Gepäck",
    "Image",
    "Informationen",
    "Komfort_und_Ausstattung",
    "QR-Code",
    "Reisen_mit_Kindern",
    "Service_und_Kundenbetreuung",
    "Sicherheit",
    "Sonstige_Unregelmässigkeiten",
    "Ticketkauf",
    "Toiletten",
    "Zugfahrt",
)


@dataclass(frozen=True)
class TaskSpec:
    column: str
    classes: tuple[str, ...]  # negative class first for binary tasks
    predict: Callable[[ClassificationResult], str]
    official: bool


def _flag(value: bool, classes: tuple[str, ...]) -> str:
    return classes[1] if value else classes[0]


def _sentiment_or_fallback(result: ClassificationResult) -> str:
    """An abstention ("uncertain") is scored as the model's best guess (the label it would have given
    without abstaining): the F1 figures stay comparable with every earlier run, and coverage is
    reported next to them."""
    if result.sentiment == "uncertain":
        for entry in result.explanations.get("sentiment", []):
            if "best_guess" in entry:
                return str(entry["best_guess"])
    return result.sentiment


TASKS: dict[str, TaskSpec] = {
    "sentiment": TaskSpec("sentiment", ("negative", "neutral", "positive"), _sentiment_or_fallback, False),
    "relevance": TaskSpec(
        "relevant", ("false", "true"), lambda r: _flag(r.relevant, ("false", "true")), False
    ),
    "abuse": TaskSpec("offense", ("OTHER", "OFFENSE"), lambda r: _flag(r.abuse, ("OTHER", "OFFENSE")), True),
    "toxic": TaskSpec("toxic", ("0", "1"), lambda r: _flag(r.abuse, ("0", "1")), True),
    "engaging": TaskSpec("engaging", ("0", "1"), lambda r: _flag(r.engaging, ("0", "1")), True),
    "fact_claiming": TaskSpec(
        "fact_claiming", ("0", "1"), lambda r: _flag(r.fact_claiming, ("0", "1")), True
    ),
}
TASK_NAMES = (*TASKS, "aspects")


def evaluate_file(
    classifier: Classifier, task: str, path: Path, details: dict[str, Any] | None = None
) -> dict[str, Any]:
    """Metrics dict: task, n, micro_f1, macro_f1, per_class (+ official_f1 for GermEval 2018/2021).

    ``details`` (optional) receives ``coverage``: the share of posts on which the task's head did
    not abstain (sentiment and abuse heads; uncertain predictions are scored at their best guess)."""
    if task not in TASK_NAMES:
        raise ValueError(f"unknown task {task!r} (choose from {', '.join(TASK_NAMES)})")
    column = "aspects" if task == "aspects" else TASKS[task].column
    rows = ds.read_tsv(path, ["text", column])
    if not rows:
        raise ds.DataFormatError(f"{path}: no data rows after the header")
    if task == "aspects":
        return _evaluate_aspects(classifier, rows, path)
    spec = TASKS[task]
    ds.check_labels(rows, spec.column, spec.classes, path)
    results = classifier.classify_many([row["text"] for row in rows], explain=False)
    if details is not None:
        head = "sentiment" if task == "sentiment" else "abuse" if task in ("abuse", "toxic") else None
        if head is not None:
            details["coverage"] = sum(head not in r.uncertain for r in results) / len(results)
    metrics = single_label_metrics(
        [row[spec.column] for row in rows], [spec.predict(r) for r in results], spec.classes
    )
    ordered: dict[str, Any] = {
        "task": task,
        "n": metrics["n"],
        "micro_f1": metrics["micro_f1"],
        "macro_f1": metrics["macro_f1"],
        "per_class": metrics["per_class"],
    }
    if spec.official:
        ordered["official_f1"] = metrics["official_f1"]
    return ordered


def _evaluate_aspects(classifier: Classifier, rows: list[dict[str, str]], path: Path) -> dict[str, Any]:
    gold: list[list[str]] = []
    for row in rows:
        cats = ds.aspect_categories(row["aspects"])
        unknown = [c for c in cats if c not in KNOWN_ASPECTS]
        if unknown:
            raise ds.DataFormatError(f"{path}:{row['_line']}: unknown aspect category {unknown[0]!r}")
        gold.append(cats)
    results = classifier.classify_many([row["text"] for row in rows], explain=False)
    predicted = [r.aspects for r in results]
    classes = sorted({c for cats in gold for c in cats} | {c for cats in predicted for c in cats})
    metrics = multi_label_metrics(gold, predicted, classes)
    return {
        "task": "aspects",
        "n": metrics["n"],
        "micro_f1": metrics["micro_f1"],
        "macro_f1": metrics["macro_f1"],
        "per_class": metrics["per_class"],
    }
