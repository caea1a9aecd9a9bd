"""Learning by doing: adapt the models to one brand's label corrections, with before/after.

A brand's corrections are added to the base training data with a high sample weight (the
brand's own judgement should win over the public datasets' on its own kind of posts). To show
the effect honestly, ~25 % of the corrections (by a stable hash of the text) are held back: a
model trained on the rest is compared with the base model on them. The final brand model is
then trained on all corrections.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import datasets as ds
from .artefact import Artefact
from .pipeline import ClassificationResult, Classifier
from .training import TrainConfig, reuse_from, train_all

Correction = tuple[str, str, str]  # (text, task, label)
HOLDOUT_SHARE = 4  # one in HOLDOUT_SHARE corrections is held back (25 %)
CORRECTION_WEIGHT = 10.0


def predicted_label(result: ClassificationResult, task: str) -> str:
    """The label a result assigns in the vocabulary of corrections (see ``tasks.CORRECTION_LABELS``)."""
    if task == "sentiment":
        return result.sentiment
    if task == "type":
        return result.type
    flags = {
        "abuse": (result.abuse, "abusive"),
        "relevance": (result.relevant, "relevant"),
        "praise": (result.praise, "praise"),
        "engaging": (result.engaging, "engaging"),
        "fact_claiming": (result.fact_claiming, "fact_claiming"),
    }
    on, name = flags[task]
    if on:
        return name
    return "irrelevant" if task == "relevance" else f"not_{name}" if task != "abuse" else "not_abusive"


def split_corrections(corrections: Sequence[Correction]) -> tuple[list[Correction], list[Correction]]:
    """(train, held back) — stable: depends only on each correction's text."""
    train: list[Correction] = []
    held: list[Correction] = []
    for item in corrections:
        (held if ds.stable_fold(" ".join(item[0].lower().split()), HOLDOUT_SHARE) == 0 else train).append(
            item
        )
    return train, held


def accuracy_by_task(
    classifier: Classifier, corrections: Sequence[Correction]
) -> dict[str, dict[str, float]]:
    if not corrections:
        return {}
    results = classifier.classify_many([text for text, _, _ in corrections], explain=False)
    scores: dict[str, dict[str, float]] = {}
    for (_, task, label), result in zip(corrections, results, strict=True):
        entry = scores.setdefault(task, {"n": 0, "correct": 0})
        entry["n"] += 1
        entry["correct"] += int(predicted_label(result, task) == label)
    for entry in scores.values():
        entry["accuracy"] = round(entry["correct"] / entry["n"], 4)
    return scores


@dataclass
class AdaptationReport:
    artefact: Artefact
    n_corrections: int
    n_held_back: int
    before: dict[str, dict[str, float]]
    after: dict[str, dict[str, float]]

    def lines(self) -> list[str]:
        out = [f"{self.n_corrections} corrections, {self.n_held_back} held back for evaluation"]
        for task in sorted(set(self.before) | set(self.after)):
            b, a = self.before.get(task, {}), self.after.get(task, {})
            out.append(
                f"  {task:<14} n={int(b.get('n', 0)):<4} accuracy before {b.get('accuracy', 0):.3f} "
                f"-> after {a.get('accuracy', 0):.3f}"
            )
        return out


def adapt(
    corrections: Sequence[Correction],
    *,
    base: Classifier,
    config: TrainConfig,
    out_dir: Path,
    brand_slug: str,
    progress: Callable[[str], None] = lambda _message: None,
) -> AdaptationReport:
    """Evaluate before/after on held-back corrections, then train the brand model on all of them."""
    train, held = split_corrections(corrections)
    before = accuracy_by_task(base, held)
    # the base artefact's out-of-domain calibration and thresholds carry over: a brand's few
    # corrections are too few to re-fit them, and leave-one-dataset-out would cost minutes
    reuse = reuse_from(base.artefact.manifest)
    quick = TrainConfig(
        config.data_dir,
        seed=config.seed,
        folds=0,
        permissive_only=config.permissive_only,
        max_features=config.max_features,
        min_df=config.min_df,
        loo=False,
        reuse=reuse,
    )
    config = TrainConfig(
        config.data_dir,
        seed=config.seed,
        folds=config.folds,
        permissive_only=config.permissive_only,
        max_features=config.max_features,
        min_df=config.min_df,
        loo=False,
        reuse=reuse,
    )
    after: dict[str, dict[str, float]] = {}
    if held:
        progress(f"training on {len(train)} corrections to evaluate on {len(held)} held back")
        with tempfile.TemporaryDirectory() as tmp:
            trial = train_all(
                quick,
                Path(tmp),
                progress=progress,
                corrections=list(train),
                correction_weight=CORRECTION_WEIGHT,
            )
            after = accuracy_by_task(Classifier(trial), held)
    progress(f"training the brand model on all {len(corrections)} corrections")
    info: dict[str, Any] = {
        "brand": brand_slug,
        "brand_evaluation": {"held_back": len(held), "before": before, "after": after, "base": base.version},
    }
    final = train_all(
        config,
        out_dir,
        progress=progress,
        corrections=list(corrections),
        correction_weight=CORRECTION_WEIGHT,
        extra_info=info,
    )
    return AdaptationReport(final, len(corrections), len(held), before, after)
