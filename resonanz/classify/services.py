"""Service layer of classification: classify a post, record an agent's label correction."""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.translation import gettext as _

from resonanz.accounts.models import Brand, User
from resonanz.classify.ml.pipeline import ClassificationResult, get_classifier
from resonanz.classify.ml.tasks import CORRECTION_LABELS, TYPE_LABELS
from resonanz.classify.ml.topics import BrandTopic
from resonanz.classify.models import LabelCorrection, Task
from resonanz.core.errors import InvalidInput

MAX_TEXT = 20_000


class InvalidLabel(InvalidInput, ValueError):
    """The task or label of a correction is not one the models know."""


def allowed_labels(task: str) -> list[str]:
    if task == Task.TYPE:
        return list(TYPE_LABELS)
    return [str(label) for label in CORRECTION_LABELS.get(task, {})]


def classify_post(
    text: str, *, brand_slug: str | None = None, topics: Sequence[BrandTopic] = ()
) -> ClassificationResult:
    """All labels, scores and explanations of one post (the brand's adapted model if trained).

    ``result.model_version`` must be stored with whatever is saved from the result.
    """
    return get_classifier(brand_slug=brand_slug).classify(text, topics=topics)


def record_correction(
    *,
    brand: Brand,
    task: str,
    label: str,
    text: str,
    by: User | None,
    previous_label: str = "",
    model_version: str = "",
    source_ref: str = "",
) -> LabelCorrection:
    """Store an agent's correction; it becomes training data for ``resonanz train --brand``."""
    if task not in Task.values:
        raise InvalidLabel({"task": _("Unknown task “%(task)s”.") % {"task": task}})
    allowed = allowed_labels(task)
    if label not in allowed:
        raise InvalidLabel(
            {
                "label": _("Unknown label “%(label)s” for %(task)s; expected one of: %(allowed)s.")
                % {"label": label, "task": task, "allowed": ", ".join(allowed)}
            }
        )
    if not text.strip():
        raise InvalidLabel({"text": _("The corrected post has no text.")})
    return LabelCorrection.objects.create(
        brand=brand,
        task=task,
        label=label,
        text=text[:MAX_TEXT],
        corrected_by=by,
        previous_label=previous_label[:40],
        model_version=model_version[:40],
        source_ref=source_ref[:200],
    )
