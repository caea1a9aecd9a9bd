"""Routing: a priority and a moderation flag derived from the labels, and the due time from targets."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from resonanz.inbox.models import Priority, ResponseTarget

# Used when a brand has not set its own targets (minutes until the first answer is due).
DEFAULT_TARGET_MINUTES = {Priority.HIGH: 60, Priority.NORMAL: 240, Priority.LOW: 24 * 60}


@dataclass(frozen=True)
class Route:
    priority: int
    needs_moderation: bool
    reason: str


def route(labels: dict[str, Any]) -> Route:
    """Negative questions and complaints first; praise and off-topic last; abuse to moderation."""
    kind = labels.get("type", "")
    negative = labels.get("sentiment") == "negative"
    if labels.get("abuse"):
        return Route(Priority.NORMAL, True, "abuse: routed to moderation")
    if kind == "complaint":
        return Route(Priority.HIGH, False, "complaint")
    if kind == "question" and negative:
        return Route(Priority.HIGH, False, "negative question")
    if labels and labels.get("relevant") is False:
        return Route(Priority.LOW, False, "not relevant")
    if kind == "praise" or labels.get("praise"):
        return Route(Priority.LOW, False, "praise")
    if kind == "question":
        return Route(Priority.NORMAL, False, "question")
    return Route(Priority.NORMAL, False, "default")


def load_targets(brand_ids: set[int]) -> dict[tuple[int, int], int]:
    """(brand id, priority) → minutes, for every brand of a batch in one query."""
    rows = ResponseTarget.objects.filter(brand_id__in=brand_ids).values_list(
        "brand_id", "priority", "minutes"
    )
    return {(brand_id, priority): minutes for brand_id, priority, minutes in rows}


def due_at(
    targets: dict[tuple[int, int], int], *, brand_id: int, priority: int, start: datetime | None
) -> datetime | None:
    if start is None:
        return None
    minutes = targets.get((brand_id, priority), DEFAULT_TARGET_MINUTES.get(Priority(priority)))
    return start + timedelta(minutes=minutes) if minutes else None
