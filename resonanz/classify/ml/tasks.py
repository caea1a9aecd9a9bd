"""Which model heads exist, and the training rows each one learns from.

A head is one linear model over the shared feature space. Its rows can come from several
datasets (abuse: GermEval 2018 offense + GermEval 2021 toxic); ``domains`` keeps track of the
origin of every row so cross-validation can report each dataset's own score.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from . import datasets as ds
from .linear import HeadKind

SENTIMENT_CLASSES = ["negative", "neutral", "positive"]
# Aspect categories with too few examples to learn from are left out (they are listed in the docs).
MIN_ASPECT_EXAMPLES = 15
NOT_ABUSIVE_WEIGHT = 0.3  # chosen by CV: keeps GermEval 2018/2021 scores, cuts false abuse on complaints
# Auxiliary sentiment evidence (weights chosen on leave-one-dataset-out figures, docs/classify.md):
# Flausch candy speech as positive examples; offensive/toxic posts as weak negative examples.
PRAISE_AS_POSITIVE_WEIGHT = 0.1
ABUSE_AS_NEGATIVE_WEIGHT = 0.05


@dataclass
class HeadData:
    name: str
    kind: HeadKind
    outputs: list[str]
    texts: list[str] = field(default_factory=list)
    targets: list[object] = field(default_factory=list)  # class index (softmax) or 0/1 list (sigmoid)
    groups: list[str] = field(default_factory=list)
    domains: list[str] = field(default_factory=list)
    weights: list[float] = field(default_factory=list)
    subsets: list[str] = field(default_factory=list)  # source file of the row ("dev.tsv"), or ""

    def add(
        self, text: str, target: object, group: str, domain: str, weight: float = 1.0, subset: str = ""
    ) -> None:
        self.subsets.append(subset)
        self.texts.append(text)
        self.targets.append(target)
        self.groups.append(group)
        self.domains.append(domain)
        self.weights.append(weight)

    def target_array(self) -> np.ndarray:
        if self.kind == "softmax":
            return np.asarray(self.targets, dtype=np.int64)
        return np.asarray(self.targets, dtype=np.int64).reshape(len(self.targets), len(self.outputs))

    @property
    def datasets(self) -> list[str]:
        return sorted(set(self.domains))


def _add_rows(
    head: HeadData,
    rows: list[dict[str, str]],
    dataset: str,
    target: Callable[[dict[str, str]], object],
    weight: float = 1.0,
) -> None:
    for row in rows:
        head.add(row["text"], target(row), ds.group_of(row, dataset), dataset, weight, row.get("_file", ""))


def germeval2017_heads(rows: list[dict[str, str]]) -> list[HeadData]:
    sentiment = HeadData("sentiment", "softmax", list(SENTIMENT_CLASSES))
    _add_rows(sentiment, rows, "germeval2017", lambda r: SENTIMENT_CLASSES.index(r["sentiment"]))
    relevance = HeadData("relevance", "sigmoid", ["relevant"])
    _add_rows(relevance, rows, "germeval2017", lambda r: [int(r["relevant"] == "true")])
    counts: dict[str, int] = {}
    for row in rows:
        for cat in ds.aspect_categories(row.get("aspects", "")):
            counts[cat] = counts.get(cat, 0) + 1
    cats = sorted(cat for cat, n in counts.items() if n >= MIN_ASPECT_EXAMPLES)
    aspects = HeadData("aspects", "sigmoid", cats)
    _add_rows(
        aspects, rows, "germeval2017", lambda r: [int(c in ds.aspect_categories(r["aspects"])) for c in cats]
    )
    return [sentiment, relevance, aspects]


def build_heads(data_dir: Path, *, permissive_only: bool = False) -> dict[str, HeadData]:
    """All heads that have training data in ``data_dir`` (empty heads are dropped)."""
    allowed = {name for name, lic in ds.LICENSES.items() if lic.permissive or not permissive_only}
    heads: dict[str, HeadData] = {}
    if "germeval2017" in allowed:
        for head in germeval2017_heads(ds.load_germeval2017(data_dir)):
            heads[head.name] = head
    abuse = HeadData("abuse", "sigmoid", ["abusive"])
    _add_rows(
        abuse, ds.load_germeval2018(data_dir), "germeval2018", lambda r: [int(r["offense"] == "OFFENSE")]
    )
    heads["abuse"] = abuse
    _add_rows(abuse, ds.load_gahd(data_dir), "gahd", lambda r: [int(r["offense"] == "OFFENSE")])
    if "germeval2017" in allowed:
        # Customer complaints are criticism, not abuse: without these examples the abuse head flagged
        # 14 % of GermEval 2017 posts (its political-rant data equate "schon wieder" with abuse).
        # Low weight because they were never annotated for abuse (see docs/classify.md).
        for row in ds.load_germeval2017(data_dir):
            abuse.add(row["text"], [0], ds.group_of(row, "germeval2017"), "germeval2017", NOT_ABUSIVE_WEIGHT)
    if "germeval2021" in allowed:
        g21 = ds.load_germeval2021(data_dir)
        _add_rows(abuse, g21, "germeval2021", lambda r: [int(r["toxic"] == "1")])
        for flag in ("engaging", "fact_claiming"):
            head = HeadData(flag, "sigmoid", [flag])
            _add_rows(head, g21, "germeval2021", lambda r, f=flag: [int(r[f] == "1")])  # type: ignore[misc]
            heads[flag] = head
    if "germeval2025_flausch" in allowed:
        praise = HeadData("praise", "sigmoid", ["praise"])
        flausch = ds.load_flausch(data_dir)
        _add_rows(praise, flausch, "germeval2025_flausch", lambda r: [int(r["flausch"] == "yes")])
        heads["praise"] = praise
    _add_sentiment_evidence(heads, data_dir, allowed, abuse)
    return {name: head for name, head in heads.items() if head.texts}


def _add_sentiment_evidence(
    heads: dict[str, HeadData], data_dir: Path, allowed: set[str], abuse: HeadData
) -> None:
    """SB-10k tweets (3 classes), Flausch praise as positive and abuse as negative evidence.

    The auxiliary rows keep their dataset as domain so leave-one-dataset-out can tell them apart;
    they are never an evaluation domain of the sentiment head (they only carry one class)."""
    sentiment = heads.get("sentiment") or HeadData("sentiment", "softmax", list(SENTIMENT_CLASSES))
    if "sb10k" in allowed:
        _add_rows(
            sentiment, ds.load_sb10k(data_dir), "sb10k", lambda r: SENTIMENT_CLASSES.index(r["sentiment"])
        )
    if not sentiment.texts:
        return  # no three-class data: one-class evidence alone cannot make a sentiment head
    if "germeval2025_flausch" in allowed and PRAISE_AS_POSITIVE_WEIGHT > 0:
        praise = [r for r in ds.load_flausch(data_dir) if r["flausch"] == "yes"]
        _add_rows(sentiment, praise, "germeval2025_flausch", lambda r: 2, PRAISE_AS_POSITIVE_WEIGHT)
    if ABUSE_AS_NEGATIVE_WEIGHT > 0:
        for text, target, group, domain in zip(
            abuse.texts, abuse.targets, abuse.groups, abuse.domains, strict=True
        ):
            if target == [1]:
                sentiment.add(text, 0, group, domain, ABUSE_AS_NEGATIVE_WEIGHT)
    heads["sentiment"] = sentiment


# Labels a correction may carry per task, mapped to the head's target.
CORRECTION_LABELS: dict[str, dict[str, object]] = {
    "sentiment": {cls: i for i, cls in enumerate(SENTIMENT_CLASSES)},
    "abuse": {"abusive": [1], "not_abusive": [0]},
    "relevance": {"relevant": [1], "irrelevant": [0]},
    "praise": {"praise": [1], "no_praise": [0]},
    "engaging": {"engaging": [1], "not_engaging": [0]},
    "fact_claiming": {"fact_claiming": [1], "not_fact_claiming": [0]},
}
HEAD_OUTPUT = {
    "abuse": "abusive",
    "relevance": "relevant",
    "praise": "praise",
    "engaging": "engaging",
    "fact_claiming": "fact_claiming",
}
TYPE_LABELS = ["question", "complaint", "praise", "suggestion", "other"]


def add_corrections(
    heads: dict[str, HeadData], corrections: list[tuple[str, str, str]], weight: float
) -> dict[str, int]:
    """Append a brand's corrections ``(text, task, label)`` with a high sample weight.

    Returns the number of rows added per head. Corrections of tasks without a learned head
    (e.g. ``type``, which is rule-based) are ignored here and counted under their task name as 0.
    """
    added: dict[str, int] = {}
    for text, task, label in corrections:
        mapping = CORRECTION_LABELS.get(task)
        if mapping is None or label not in mapping:
            added.setdefault(task, 0)
            continue
        if task not in heads:  # e.g. --permissive-only: the brand's data alone can teach a head
            heads[task] = (
                HeadData(task, "softmax", list(SENTIMENT_CLASSES))
                if task == "sentiment"
                else HeadData(task, "sigmoid", [HEAD_OUTPUT[task]])
            )
        heads[task].add(text, mapping[label], "brand:" + " ".join(text.lower().split()), "brand", weight)
        added[task] = added.get(task, 0) + 1
    return added
