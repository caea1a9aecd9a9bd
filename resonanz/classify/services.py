"""Service layer of classification: classify posts (with the brand's model and topics), record an
agent's label correction, and manage a brand's topics."""

from __future__ import annotations

import re
from collections.abc import Sequence

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from resonanz.accounts.models import Brand, Role, User
from resonanz.accounts.permissions import AnyUser, check_authenticated, check_role
from resonanz.classify import selectors
from resonanz.classify.ml.pipeline import ClassificationResult, get_classifier
from resonanz.classify.ml.tasks import CORRECTION_LABELS, TYPE_LABELS
from resonanz.classify.ml.topics import DEFAULT_SIMILARITY, BrandTopic
from resonanz.classify.models import LabelCorrection, Task, Topic
from resonanz.core.errors import InvalidInput
from resonanz.core.metrics import timed_classification

MAX_TEXT = 20_000
MAX_BATCH = 1000  # texts per classify_many call from the API (the inbox batches itself)
MAX_TOPICS = 100  # per brand: every topic is checked on every post
MAX_KEYWORDS = 50
MAX_KEYWORD_CHARS = 60
MAX_EXAMPLES = 20
MAX_EXAMPLE_CHARS = 2000
SIMILARITY_RANGE = (0.05, 0.95)
_WORD = re.compile(r"\w")


class InvalidLabel(InvalidInput, ValueError):
    """The task or label of a correction is not one the models know."""


def allowed_labels(task: str) -> list[str]:
    if task == Task.TYPE:
        return list(TYPE_LABELS)
    return [str(label) for label in CORRECTION_LABELS.get(task, {})]


def _topics_for(brand_slug: str | None, topics: Sequence[BrandTopic] | None) -> Sequence[BrandTopic]:
    if topics is not None:
        return topics
    return selectors.brand_topics(brand_slug=brand_slug) if brand_slug else ()


def classify_post(
    text: str,
    *,
    brand_slug: str | None = None,
    topics: Sequence[BrandTopic] | None = None,
    explain: bool = True,
) -> ClassificationResult:
    """All labels, scores and explanations of one post.

    With ``brand_slug``: the brand's adapted model if trained, and the brand's active topics
    (unless ``topics`` is given explicitly). ``result.model_version`` must be stored with whatever
    is saved from the result.
    """
    found = _topics_for(brand_slug, topics)
    classifier = get_classifier(brand_slug=brand_slug)  # outside the timing: loading happens once
    with timed_classification(1):  # /metrics: resonanz_classification_seconds
        return classifier.classify(text, topics=found, explain=explain)


def classify_many(
    texts: Sequence[str],
    *,
    brand_slug: str | None = None,
    explain: bool = False,
    topics: Sequence[BrandTopic] | None = None,
) -> list[ClassificationResult]:
    """Labels of a batch of posts in one vectorised pass (what the inbox calls per ingestion batch).

    Same model and topic choice as :func:`classify_post`. Explanations are off by default: word
    evidence costs several times the classification itself and pages compute it when shown.
    """
    if not texts:
        return []
    found = _topics_for(brand_slug, topics)
    classifier = get_classifier(brand_slug=brand_slug)
    with timed_classification(len(texts)):
        return classifier.classify_many(list(texts), topics=found, explain=explain)


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


# --- brand-defined topics ---------------------------------------------------------------------------


def split_keywords(value: str) -> list[str]:
    """Keywords typed into one field: separated by commas or new lines."""
    return [part.strip() for part in re.split(r"[,\n]", value) if part.strip()]


def split_examples(value: str) -> list[str]:
    """Example posts typed into one field: one per line."""
    return [line.strip() for line in value.splitlines() if line.strip()]


def _clean_topic(
    brand: Brand,
    *,
    name: str,
    keywords: Sequence[str],
    examples: Sequence[str],
    min_similarity: float,
    topic: Topic | None = None,
) -> tuple[str, list[str], list[str]]:
    """Validated (name, keywords, examples); raises InvalidInput naming every bad field at once."""
    errors: dict[str, str] = {}
    name = " ".join(name.split())
    if not name:
        errors["name"] = _("A topic needs a name.")
    elif len(name) > 60:
        errors["name"] = _("At most 60 characters.")
    else:
        # compared in Python: SQLite's case-insensitive match folds ASCII only ("Ä" != "ä")
        others = Topic.objects.filter(brand=brand)
        if topic is not None:
            others = others.exclude(pk=topic.pk)
        if name.casefold() in {n.casefold() for n in others.values_list("name", flat=True)}:
            errors["name"] = _("There is already a topic “%(name)s”.") % {"name": name}
    cleaned_keywords: list[str] = []
    for raw in keywords:
        keyword = " ".join(str(raw).split())
        if not keyword or keyword.lower() in (k.lower() for k in cleaned_keywords):
            continue
        if len(keyword) > MAX_KEYWORD_CHARS:
            errors["keywords"] = _("Keyword “%(keyword)s…” is longer than %(max)d characters.") % {
                "keyword": keyword[:20],
                "max": MAX_KEYWORD_CHARS,
            }
        elif "*" in keyword[:-1] or not _WORD.search(keyword):
            errors["keywords"] = _(
                "Keyword “%(keyword)s” needs letters or digits; “*” is allowed only at the end (prefix)."
            ) % {"keyword": keyword}
        cleaned_keywords.append(keyword)
    if len(cleaned_keywords) > MAX_KEYWORDS:
        errors["keywords"] = _("At most %(max)d keywords.") % {"max": MAX_KEYWORDS}
    cleaned_examples = [" ".join(str(e).split()) for e in examples if str(e).strip()]
    if len(cleaned_examples) > MAX_EXAMPLES:
        errors["examples"] = _("At most %(max)d example posts.") % {"max": MAX_EXAMPLES}
    elif any(len(e) > MAX_EXAMPLE_CHARS for e in cleaned_examples):
        errors["examples"] = _("Each example post may have at most %(max)d characters.") % {
            "max": MAX_EXAMPLE_CHARS
        }
    if not cleaned_keywords and not cleaned_examples and "keywords" not in errors:
        errors["keywords"] = _("Give at least one keyword or one example post.")
    low, high = SIMILARITY_RANGE
    if not low <= min_similarity <= high:
        errors["min_similarity"] = _("Choose a value between %(low).2f and %(high).2f.") % {
            "low": low,
            "high": high,
        }
    if errors:
        raise InvalidInput(errors)
    return name, cleaned_keywords, cleaned_examples


def _invalidate(brand: Brand) -> None:
    selectors.forget_brand_topics(brand_slug=brand.slug)
    # and again after commit: a concurrent read between delete and commit may have re-cached old rows
    transaction.on_commit(lambda: selectors.forget_brand_topics(brand_slug=brand.slug))


def create_topic(
    brand: Brand,
    *,
    name: str,
    keywords: Sequence[str] = (),
    examples: Sequence[str] = (),
    min_similarity: float = DEFAULT_SIMILARITY,
    active: bool = True,
    by: AnyUser | None,
) -> Topic:
    """A new topic; managers and up. Applies to posts classified from now on."""
    check_role(by, brand, Role.MANAGER)
    user = check_authenticated(by)
    name, keywords, examples = _clean_topic(
        brand, name=name, keywords=keywords, examples=examples, min_similarity=min_similarity
    )
    if Topic.objects.filter(brand=brand).count() >= MAX_TOPICS:
        raise InvalidInput({"name": _("A brand can have at most %(max)d topics.") % {"max": MAX_TOPICS}})
    try:
        with transaction.atomic():
            topic = Topic.objects.create(
                brand=brand,
                name=name,
                keywords=keywords,
                examples=examples,
                min_similarity=min_similarity,
                active=active,
                created_by=user,
            )
    except IntegrityError as exc:  # a concurrent create with the same name
        raise InvalidInput({"name": _("There is already a topic “%(name)s”.") % {"name": name}}) from exc
    _invalidate(brand)
    return topic


def update_topic(
    topic: Topic,
    *,
    by: AnyUser | None,
    name: str | None = None,
    keywords: Sequence[str] | None = None,
    examples: Sequence[str] | None = None,
    min_similarity: float | None = None,
    active: bool | None = None,
) -> Topic:
    """Change a topic (only the fields given); managers and up."""
    check_role(by, topic.brand, Role.MANAGER)
    check_authenticated(by)
    similarity = topic.min_similarity if min_similarity is None else min_similarity
    cleaned = _clean_topic(
        topic.brand,
        name=topic.name if name is None else name,
        keywords=topic.keywords if keywords is None else keywords,
        examples=topic.examples if examples is None else examples,
        min_similarity=similarity,
        topic=topic,
    )
    topic.name, topic.keywords, topic.examples = cleaned
    topic.min_similarity = similarity
    if active is not None:
        topic.active = active
    try:
        with transaction.atomic():
            topic.save()
    except IntegrityError as exc:
        raise InvalidInput(
            {"name": _("There is already a topic “%(name)s”.") % {"name": topic.name}}
        ) from exc
    _invalidate(topic.brand)
    return topic


def delete_topic(topic: Topic, *, by: AnyUser | None) -> None:
    """Remove a topic; labels already stored keep its name (they record what was decided then)."""
    check_role(by, topic.brand, Role.MANAGER)
    check_authenticated(by)
    brand = topic.brand
    topic.delete()
    _invalidate(brand)
