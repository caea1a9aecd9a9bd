"""Maintaining the rollups: consume new inbox rows since a stored cursor, or rebuild from scratch.

Each step runs in one transaction with the cursor rows locked: the upserts and the cursor move commit
together or not at all, so a crash repeats a step instead of counting twice. Message counts are
additive (order-independent); response facts are recomputed per touched conversation (facts.py).
"""

from __future__ import annotations

import hashlib
import time
import zoneinfo
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from django.db import transaction
from django.db.models import Model, Q

from resonanz.accounts.models import Brand
from resonanz.inbox.models import ConversationEvent, Direction, Message
from resonanz.insights import upserts
from resonanz.insights.facts import refresh_facts, topics_of
from resonanz.insights.models import (
    HourlyCount,
    Participant,
    ParticipantDay,
    ResponseFact,
    RollupCursor,
    WindowCount,
)

MESSAGES, EVENTS = "inbox.message", "inbox.event"
BATCH = 5000
GAP_TTL_SECONDS = 900  # a gap older than this is a rolled-back insert, not a slow commit
MAX_GAPS = 10_000
MESSAGE_FIELDS = (
    "id",
    "conversation_id",
    "channel_id",
    "conversation__brand_id",
    "direction",
    "is_automated",
    "labels",
    "author_handle",
    "author_user_id",
    "created_at",
)
EVENT_FIELDS = (
    "id",
    "kind",
    "conversation_id",
    "conversation__brand_id",
    "conversation__channel_id",
    "created_at",
)


def hour_of(moment: datetime) -> datetime:
    return moment.astimezone(UTC).replace(minute=0, second=0, microsecond=0)


def window_of(moment: datetime) -> datetime:
    moment = moment.astimezone(UTC)
    return moment.replace(minute=moment.minute // 15 * 15, second=0, microsecond=0)


def participant_key(brand_id: int, row: dict[str, Any]) -> int | None:
    """A pseudonymous, stable id: the account if known, else the handle on that channel."""
    if row["author_user_id"]:
        ident = f"u{row['author_user_id']}"
    elif row["author_handle"]:
        ident = f"c{row['channel_id']}:{row['author_handle'].lower()}"
    else:
        return None
    digest = hashlib.sha256(f"{brand_id}:{ident}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


@dataclass
class Delta:
    """Increments gathered from a batch of rows, written with a handful of statements."""

    zones: dict[int, zoneinfo.ZoneInfo]
    hourly: Counter[tuple[int, str, datetime, int, str]] = field(default_factory=Counter)
    windows: dict[tuple[int, datetime], list[int]] = field(
        default_factory=lambda: defaultdict(lambda: [0, 0])
    )
    first_seen: dict[tuple[int, int], tuple[datetime, date]] = field(default_factory=dict)
    days: set[tuple[int, date, int, int]] = field(default_factory=set)
    conversations: set[int] = field(default_factory=set)

    def add_message(self, row: dict[str, Any]) -> None:
        brand, channel, at = row["conversation__brand_id"], row["channel_id"], row["created_at"]
        hour = hour_of(at)
        self.conversations.add(row["conversation_id"])
        if row["direction"] == Direction.OUT:
            self.hourly[(brand, "out", hour, channel, "automated" if row["is_automated"] else "human")] += 1
            return
        labels = row["labels"] if isinstance(row["labels"], dict) else {}
        sentiment = str(labels.get("sentiment") or "unlabelled")[:20]
        self.hourly[(brand, "in", hour, channel, sentiment)] += 1
        flags = [name for name in ("criticism", "abuse") if labels.get(name)]
        for name in flags:
            self.hourly[(brand, name, hour, channel, "")] += 1
        if labels.get("type"):
            self.hourly[(brand, "type", hour, channel, str(labels["type"])[:100])] += 1
        for topic in topics_of(labels):
            self.hourly[(brand, f"topic.{sentiment}", hour, channel, topic)] += 1
            for name in flags:
                self.hourly[(brand, f"topic.{name}", hour, channel, topic)] += 1
        window = self.windows[(brand, window_of(at))]
        window[0] += 1
        window[1] += sentiment == "negative"
        self._participant(brand, row)

    def _participant(self, brand: int, row: dict[str, Any]) -> None:
        key = participant_key(brand, row)
        if key is None:
            return
        at = row["created_at"]
        day = at.astimezone(self.zones.get(brand, UTC)).date()
        self.days.add((brand, day, row["channel_id"], key))
        known = self.first_seen.get((brand, key))
        if known is None or at < known[0]:
            self.first_seen[(brand, key)] = (at, day)

    def add_event(self, row: dict[str, Any]) -> None:
        self.conversations.add(row["conversation_id"])
        if row["kind"] == ConversationEvent.Kind.CREATED:
            brand, channel = row["conversation__brand_id"], row["conversation__channel_id"]
            self.hourly[(brand, "conversations", hour_of(row["created_at"]), channel, "")] += 1

    def write(self) -> None:
        upserts.add_hourly(dict(self.hourly))
        upserts.add_windows(dict(self.windows))
        upserts.add_participants(self.first_seen)
        upserts.add_participant_days(self.days)
        refresh_facts(self.conversations)


def _zones() -> dict[int, zoneinfo.ZoneInfo]:
    return {pk: zoneinfo.ZoneInfo(tz) for pk, tz in Brand.objects.values_list("pk", "timezone")}


def _cursor(name: str) -> RollupCursor:
    RollupCursor.objects.get_or_create(name=name)
    return RollupCursor.objects.select_for_update().get(name=name)


def _take(
    model: type[Model], cursor: RollupCursor, fields: tuple[str, ...], limit: int
) -> list[dict[str, Any]]:
    """New rows above the cursor (at most ``limit``) and rows that filled an earlier gap; moves the cursor."""
    now = time.time()
    manager = model._default_manager
    fresh = list(manager.filter(pk__gt=cursor.position).order_by("pk").values(*fields)[:limit])
    gap_ids = [int(pk) for pk in cursor.gaps]
    filled = list(manager.filter(pk__in=gap_ids).values(*fields)) if gap_ids else []
    gaps = {pk: seen for pk, seen in cursor.gaps.items() if now - seen < GAP_TTL_SECONDS}
    for row in filled:
        gaps.pop(str(row["id"]), None)
    expected = cursor.position + 1
    for row in fresh:
        gaps.update({str(pk): now for pk in range(expected, row["id"])})
        expected = row["id"] + 1
    if fresh:
        cursor.position = fresh[-1]["id"]
    cursor.gaps = dict(sorted(gaps.items(), key=lambda kv: -int(kv[0]))[:MAX_GAPS])
    cursor.save(update_fields=["position", "gaps", "updated_at"])
    return filled + fresh


@transaction.atomic
def consume(*, batch_size: int = BATCH) -> int:
    """One step of the incremental consumer; returns how many source rows it took (0: up to date)."""
    messages = _take(Message, _cursor(MESSAGES), MESSAGE_FIELDS, batch_size)
    events = _take(ConversationEvent, _cursor(EVENTS), EVENT_FIELDS, batch_size)
    delta = Delta(zones=_zones())
    for row in messages:
        delta.add_message(row)
    for row in events:
        delta.add_event(row)
    delta.write()
    return len(messages) + len(events)


def consume_all(*, batch_size: int = BATCH, max_steps: int = 1000) -> int:
    """Consume until up to date (bounded, so one periodic run cannot hog the worker forever)."""
    total = 0
    for _ in range(max_steps):
        taken = consume(batch_size=batch_size)
        total += taken
        if taken < batch_size:
            break
    return total


def _consumed(model: type[Model], cursor: RollupCursor, brand: Brand | None, brand_path: str) -> Q:
    query = Q(pk__lte=cursor.position) & ~Q(pk__in=[int(pk) for pk in cursor.gaps])
    return query & Q(**{brand_path: brand}) if brand is not None else query


@transaction.atomic
def rebuild(*, brand: Brand | None = None, batch_size: int = BATCH) -> int:
    """Recompute the rollups of ``brand`` (or all) from the rows the consumer has taken so far."""
    message_cursor, event_cursor = _cursor(MESSAGES), _cursor(EVENTS)
    scope = {"brand": brand} if brand is not None else {}
    for model in (HourlyCount, WindowCount, ResponseFact, Participant, ParticipantDay):
        model.objects.filter(**scope).delete()
    zones, total = _zones(), 0
    sources: tuple[tuple[type[Model], RollupCursor, tuple[str, ...], str], ...] = (
        (Message, message_cursor, MESSAGE_FIELDS, "add_message"),
        (ConversationEvent, event_cursor, EVENT_FIELDS, "add_event"),
    )
    for source, cursor, fields, method in sources:
        query = _consumed(source, cursor, brand, "conversation__brand")
        last = 0
        while True:
            rows = list(
                source._default_manager.filter(query, pk__gt=last).order_by("pk").values(*fields)[:batch_size]
            )
            if not rows:
                break
            delta = Delta(zones=zones)
            for row in rows:
                getattr(delta, method)(row)
            delta.write()
            total, last = total + len(rows), rows[-1]["id"]
    return total
