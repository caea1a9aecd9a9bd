"""Confirm-first queue (active learning): the brand's recent posts the model is least sure about, each
confirmed or corrected by an agent with one click.

Every answer becomes a :class:`~resonanz.classify.models.LabelCorrection` — a confirmation too (label
equal to the prediction): the brand adaptation (``resonanz train --brand``) learns most from exactly these
posts, and the model health page measures agreement from them. The stored labels of the message are not
rewritten: they record what the model said then, and the rollups counted them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from resonanz.accounts.models import Brand
from resonanz.accounts.permissions import AnyUser
from resonanz.classify import services as classify_services
from resonanz.classify.models import LabelCorrection, Task
from resonanz.core.errors import InvalidInput, NotFound
from resonanz.inbox.labels import uncertain_heads
from resonanz.inbox.models import Direction, Message
from resonanz.inbox.permissions import check_agent

SENTIMENTS = ("negative", "neutral", "positive")
ABUSE = ("abusive", "not_abusive")
# What the queue asks about: the sentiment of every post, and abuse where the model abstained on it
# (the label automation and the criticism guard depend on).
ANSWERS: dict[str, tuple[str, ...]] = {Task.SENTIMENT: SENTIMENTS, Task.ABUSE: ABUSE}
RECENT_DAYS = 14
SCANNED = 2000  # newest labelled posts looked at per page view: the queue is about now, not all history
SOURCE_PREFIX = "inbox-message:"


def source_ref(message: Message) -> str:
    return f"{SOURCE_PREFIX}{message.pk}"


@dataclass(frozen=True)
class QueueItem:
    message: Message
    predicted: str  # the model's sentiment: negative, neutral, positive or uncertain
    scores: dict[str, float]
    margin: float  # top probability minus the runner-up: small is unsure
    uncertain: list[str]  # heads the model abstained on

    @property
    def abuse_unsure(self) -> bool:
        return "abuse" in self.uncertain

    @property
    def abuse_predicted(self) -> str:
        return "abusive" if self.message.labels.get("abuse") else "not_abusive"

    @property
    def confidence_percent(self) -> int | None:
        return round(100 * max(self.scores.values())) if self.scores else None


def _scores(labels: dict[str, Any]) -> dict[str, float]:
    raw = labels.get("sentiment_scores") or {}
    return {
        k: float(v)
        for k, v in raw.items()
        if k in SENTIMENTS and isinstance(v, int | float) and not isinstance(v, bool)
    }


def margin_of(labels: dict[str, Any]) -> float:
    """How sure the sentiment is: top-1 minus top-2 probability (0 = a coin toss).

    Labels without calibrated scores (stored before the contract) count as unsure (0): nothing says
    they are right.
    """
    ranked = sorted(_scores(labels).values(), reverse=True)
    if len(ranked) < 2:
        return 0.0
    return ranked[0] - ranked[1]


def list_confirm_queue(
    brand: Brand, *, viewer: AnyUser, limit: int = 20, now: datetime | None = None
) -> list[QueueItem]:
    """The brand's recent incoming posts, least sure first (abstained first, then smallest margin);
    posts the team already answered here are left out. Agents and up."""
    check_agent(viewer, brand)
    since = (now or timezone.now()) - timedelta(days=RECENT_DAYS)
    # Answers come after the post, so the answers since the window's start are all that can matter;
    # any answer takes the post out of the queue (the row is swapped for "thank you" at the first click).
    answered = LabelCorrection.objects.filter(
        brand=brand, source_ref__startswith=SOURCE_PREFIX, created_at__gte=since
    ).values_list("source_ref", flat=True)
    done = {ref.removeprefix(SOURCE_PREFIX) for ref in answered}
    recent = (
        Message.objects.filter(conversation__brand=brand, direction=Direction.IN, created_at__gte=since)
        .exclude(labels={})
        .select_related("conversation")
        .order_by("-created_at", "-pk")[:SCANNED]
    )
    items = [
        QueueItem(
            message=m,
            predicted=str(m.labels.get("sentiment") or ""),
            scores=_scores(m.labels),
            margin=margin_of(m.labels),
            uncertain=uncertain_heads(m.labels),
        )
        for m in recent
        if str(m.pk) not in done and m.labels.get("sentiment") and m.text.strip()
    ]
    # Abstained sentiment first, then any other abstention, then by margin; among equals the newer first
    # (a stable sort of a newest-first list).
    items.sort(
        key=lambda item: ("sentiment" not in item.uncertain, not item.uncertain, round(item.margin, 6))
    )
    return items[:limit]


def get_queue_message(brand: Brand, message_id: int, *, viewer: AnyUser) -> Message:
    """An incoming message of the brand (another brand's is NotFound, never forbidden)."""
    check_agent(viewer, brand)
    found = Message.objects.filter(pk=message_id, conversation__brand=brand, direction=Direction.IN).first()
    if found is None:
        raise NotFound(f"unknown message {message_id}")
    return found


@transaction.atomic
def confirm_label(
    brand: Brand, message: Message, *, by: AnyUser, label: str, task: str = Task.SENTIMENT
) -> LabelCorrection:
    """Record the agent's answer for ``message`` (its sentiment, or whether it is abusive): a
    confirmation when it equals the model's label, else a correction. Answering the same question about
    the same post again changes the earlier answer instead of adding a second."""
    user = check_agent(by, brand)
    if message.conversation.brand_id != brand.pk:
        raise NotFound(f"unknown message {message.pk}")
    if task not in ANSWERS:
        raise InvalidInput({"task": _("Choose one of: %(allowed)s.") % {"allowed": ", ".join(ANSWERS)}})
    allowed = ANSWERS[task]
    if label not in allowed:
        raise InvalidInput({"label": _("Choose one of: %(allowed)s.") % {"allowed": ", ".join(allowed)}})
    ref = source_ref(message)
    existing = (
        LabelCorrection.objects.select_for_update().filter(brand=brand, task=task, source_ref=ref).first()
    )
    if existing is not None:
        existing.label, existing.corrected_by = label, user
        existing.save(update_fields=["label", "corrected_by"])
        return existing
    if task == Task.ABUSE:
        previous = "abusive" if message.labels.get("abuse") else "not_abusive"
    else:
        previous = str(message.labels.get("sentiment") or "")
    return classify_services.record_correction(
        brand=brand,
        task=task,
        label=label,
        text=message.text,
        by=user,
        previous_label=previous,
        model_version=message.model_version,
        source_ref=ref,
    )
