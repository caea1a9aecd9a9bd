"""The inbox's one door to the classifier: a batch of texts in, plain label dicts out.

Classifies whole batches with the classify app's pipeline (one sparse product per batch instead of one
per post). When no model has been trained yet (fresh checkout), posts are stored unlabelled rather than
lost: ingestion must not depend on a model being present.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Sequence
from typing import Any

log = logging.getLogger(__name__)
_warned = False

# Keys that the inbox reads; everything else in a result (scores, explanations) is kept as is.
SUMMARY_KEYS = (
    "language",
    "sentiment",
    "abuse",
    "criticism",
    "praise",
    "type",
    "topics",
    "aspects",
    "relevant",
    # the label contract (classify/ml/pipeline.py): what the model abstained on and how sure it is
    "uncertain",
    "confidence",
    "abuse_confident",
    "sentiment_scores",
)


def _as_dict(result: Any) -> dict[str, Any]:
    # A shallow copy: dataclasses.asdict deep-copies every nested list, which costs more than the model.
    if dataclasses.is_dataclass(result):
        return {f.name: getattr(result, f.name) for f in dataclasses.fields(result)}
    return result.to_dict() if hasattr(result, "to_dict") else dict(result)


def classify_texts(texts: Sequence[str], *, brand_slug: str | None = None) -> list[dict[str, Any]]:
    """Labels for each text (empty dicts when no model is available)."""
    if not texts:
        return []
    try:
        return _classify(texts, brand_slug)
    except Exception as exc:
        # A missing artefact is expected before `resonanz train`; other errors are real but must not
        # block ingestion either: the post is kept unlabelled and can be reclassified later.
        global _warned
        if not _warned:
            log.warning("classification unavailable, storing posts unlabelled: %s", exc)
            _warned = True
        return [{} for _ in texts]


def _classify(texts: Sequence[str], brand_slug: str | None) -> list[dict[str, Any]]:
    """One vectorised call per batch; word-level explanations are computed when a page shows them.

    (They cost ~8x the classification itself; see :func:`explain_text`.)
    """
    from resonanz.classify.services import classify_many  # applies the brand's own topics too

    return [_as_dict(r) for r in classify_many(list(texts), brand_slug=brand_slug, explain=False)]


def explain_text(text: str, *, brand_slug: str | None = None) -> dict[str, Any]:
    """The classifier's full explanation (word evidence per label) for one text, for the conversation page."""
    try:
        from resonanz.classify.services import classify_post

        return dict(_as_dict(classify_post(text, brand_slug=brand_slug)).get("explanations") or {})
    except Exception:  # no model: the page shows the stored labels without evidence
        log.debug("no explanation available", exc_info=True)
        return {}


def summary(labels: dict[str, Any]) -> dict[str, Any]:
    """The part of the labels shown in lists and used for routing."""
    picked = {key: labels[key] for key in SUMMARY_KEYS if key in labels}
    if labels.get("model_version"):
        picked["model_version"] = labels["model_version"]
    return picked


def uncertain_heads(labels: dict[str, Any]) -> list[str]:
    """The heads the model abstained on; an abstained sentiment first, also when only `sentiment` says so."""
    heads = [str(h) for h in labels.get("uncertain") or []]
    if labels.get("sentiment") == "uncertain" and "sentiment" not in heads:
        heads.insert(0, "sentiment")
    return heads


def is_uncertain(labels: dict[str, Any]) -> bool:
    """The model abstained on a head (or on sentiment); labels without the contract's fields are not
    marked uncertain here: they are shown without a confidence instead."""
    return bool(labels.get("uncertain")) or labels.get("sentiment") == "uncertain"


def confidence_of(labels: dict[str, Any], head: str) -> float | None:
    """The calibrated probability of the label given for ``head``; None when the labels predate it."""
    value = (labels.get("confidence") or {}).get(head)
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)
