"""Maintaining the rollups: consume new inbox rows since a stored cursor, or rebuild from scratch.

Each step runs in one transaction with the cursor rows locked: the writes and the cursor move commit
together or not at all, so a crash repeats a step instead of counting twice. Message counts are
additive; response facts are recomputed per touched conversation (facts.py); first sightings keep the
earliest; participant sketches are set unions — so any order and batching of the same rows gives the
same rollups as a rebuild. A brand whose time zone or business hours changed is rebuilt first.
"""

from __future__ import annotations

import hashlib
import time
import zoneinfo
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from django.db import transaction
from django.db.models import Model, Q

from resonanz.accounts.models import Brand
from resonanz.inbox.models import ConversationEvent, Direction, Message
from resonanz.insights import upserts
from resonanz.insights.brand_settings import business_hours_for
from resonanz.insights.cycles import BusinessHours
from resonanz.insights.facts import refresh_facts, topics_of
from resonanz.insights.models import (
    ANY_CHANNEL,
    DailyCount,
    Grain,
    InsightsSettings,
    Participant,
    ParticipantSketch,
    ResponseBin,
    ResponseFact,
    RollupCursor,
    RollupState,
    WindowCount,
)
from resonanz.insights.sketches import Unit

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
    # Only the label keys the rollups read, extracted by the database: real labels also carry scores
    # and explanations, and decoding those in Python would cost more than everything else here.
    "labels__sentiment",
    "labels__sentiment_scores__negative",
    "labels__uncertain",
    "labels__criticism",
    "labels__abuse",
    "labels__type",
    "labels__topics",
    "labels__aspects",
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
ROLLUP_MODELS: tuple[type[Model], ...] = (
    DailyCount,
    ResponseBin,
    WindowCount,
    ResponseFact,
    Participant,
    ParticipantSketch,
)


def window_of(moment: datetime) -> datetime:
    moment = moment.astimezone(UTC)
    return moment.replace(minute=moment.minute // 15 * 15, second=0, microsecond=0)


def expected_negative_milli(sentiment: str, p_negative: Any) -> int:
    """P(negative) of one post in thousandths: the calibrated score when the labels carry it (also for an
    "uncertain" post, which still counts by its probability), else 1 for a negative label, 0 otherwise."""
    if isinstance(p_negative, int | float) and not isinstance(p_negative, bool):
        return round(1000 * min(max(float(p_negative), 0.0), 1.0))
    return 1000 if sentiment == "negative" else 0


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
class Context:
    """Per-brand settings the rollups depend on, read once per step."""

    zones: dict[int, zoneinfo.ZoneInfo]
    hours: dict[int, BusinessHours | None]

    @classmethod
    def load(cls) -> Context:
        zones = {pk: zoneinfo.ZoneInfo(tz) for pk, tz in Brand.objects.values_list("pk", "timezone")}
        hours: dict[int, BusinessHours | None] = dict.fromkeys(zones)
        for settings in InsightsSettings.objects.select_related("brand"):
            hours[settings.brand_id] = business_hours_for(settings)
        return cls(zones=zones, hours=hours)

    def signature(self, brand_id: int) -> str:
        hours = self.hours.get(brand_id)
        if hours is None:
            return self.zones[brand_id].key
        days = "".join(str(d) for d in sorted(hours.days))
        signature = f"{self.zones[brand_id].key}|{days}|{hours.start_hour}-{hours.end_hour}"
        # With the holidays in the signature, stored response times are recomputed when the state
        # changes, and once after the upgrade that introduced holidays.
        if hours.holiday_state is not None:
            signature += f"|holidays:{hours.holiday_state or 'DE'}"
        return signature


def _units(day: date) -> tuple[tuple[str, date], tuple[str, date]]:
    return (Grain.DAY, day), (Grain.MONTH, day.replace(day=1))


@dataclass
class Delta:
    """Increments gathered from a batch of rows, written with a handful of statements."""

    context: Context
    daily: Counter[upserts.DailyKey] = field(default_factory=Counter)
    windows: dict[tuple[int, datetime], list[int]] = field(
        default_factory=lambda: defaultdict(lambda: [0, 0, 0])
    )
    first_seen: dict[tuple[int, int, int], tuple[datetime, date]] = field(default_factory=dict)
    seen: dict[tuple[int, str, date, int], set[int]] = field(default_factory=lambda: defaultdict(set))
    conversations: set[int] = field(default_factory=set)

    def _count(self, brand: int, day: date, channel: int, metric: str, key: str = "") -> None:
        for grain, unit in _units(day):
            self.daily[(brand, grain, unit, channel, metric, key)] += 1

    def add_message(self, row: dict[str, Any]) -> None:
        brand, channel, at = row["conversation__brand_id"], row["channel_id"], row["created_at"]
        day = at.astimezone(self.context.zones[brand]).date()
        self.conversations.add(row["conversation_id"])
        if row["direction"] == Direction.OUT:
            self._count(brand, day, channel, "out", "automated" if row["is_automated"] else "human")
            return
        sentiment = str(row["labels__sentiment"] or "unlabelled")[:20]
        self._count(brand, day, channel, "in", sentiment)
        flags = [name for name in ("criticism", "abuse") if row[f"labels__{name}"]]
        for name in flags:
            self._count(brand, day, channel, name)
        if row["labels__uncertain"] or sentiment == "uncertain":  # the model abstained on some head
            self._count(brand, day, channel, "uncertain")
        if row["labels__type"]:
            self._count(brand, day, channel, "type", str(row["labels__type"])[:100])
        for topic in topics_of({"topics": row["labels__topics"], "aspects": row["labels__aspects"]}):
            self._count(brand, day, channel, f"topic.{sentiment}", topic)
            for name in flags:
                self._count(brand, day, channel, f"topic.{name}", topic)
        window = self.windows[(brand, window_of(at))]
        window[0] += 1
        window[1] += sentiment == "negative"
        window[2] += expected_negative_milli(sentiment, row["labels__sentiment_scores__negative"])
        self._participant(brand, day, row)

    def _participant(self, brand: int, day: date, row: dict[str, Any]) -> None:
        key = participant_key(brand, row)
        if key is None:
            return
        at, channel = row["created_at"], row["channel_id"]
        for grain, unit in _units(day):
            self.seen[(brand, grain, unit, channel)].add(key)
        for scope in (channel, ANY_CHANNEL):
            known = self.first_seen.get((brand, key, scope))
            if known is None or at < known[0]:
                self.first_seen[(brand, key, scope)] = (at, day)

    def add_event(self, row: dict[str, Any]) -> None:
        self.conversations.add(row["conversation_id"])
        if row["kind"] == ConversationEvent.Kind.CREATED:
            brand, channel = row["conversation__brand_id"], row["conversation__channel_id"]
            day = row["created_at"].astimezone(self.context.zones[brand]).date()
            self._count(brand, day, channel, "conversations")

    def _first_contacts(self) -> None:
        """Keep each participant's earliest sighting; move their ``people.new`` count to that day."""
        by_brand: dict[int, list[tuple[int, int]]] = defaultdict(list)
        for brand, key, channel in self.first_seen:
            by_brand[brand].append((key, channel))
        changed = []
        for brand, pairs in by_brand.items():
            keys = sorted({key for key, _c in pairs})
            known: dict[tuple[int, int], tuple[datetime, date]] = {}
            for start in range(0, len(keys), 500):
                rows = Participant.objects.filter(brand_id=brand, key__in=keys[start : start + 500])
                for key, channel, seen, day in rows.values_list(
                    "key", "channel_id", "first_seen", "first_day"
                ):
                    known[(key, channel)] = (seen, day)
            for key, channel in pairs:
                at, day = self.first_seen[(brand, key, channel)]
                old = known.get((key, channel))
                if old is not None and old[0] <= at:
                    continue
                if old is not None:
                    for grain, unit in _units(old[1]):
                        self.daily[(brand, grain, unit, channel, "people.new", "")] -= 1
                for grain, unit in _units(day):
                    self.daily[(brand, grain, unit, channel, "people.new", "")] += 1
                changed.append((brand, key, channel, at, day))
        upserts.set_participants(changed)

    def _sketches(self) -> None:
        if not self.seen:
            return
        rows = []
        for (brand, grain, day, channel), keys in self.seen.items():
            stored = ParticipantSketch.objects.filter(
                brand_id=brand, grain=grain, day=day, channel_id=channel
            )
            found = stored.values_list("keys", "registers").first()
            unit = Unit.load(*found) if found else Unit()
            rows.append((brand, grain, day, channel, *unit.add(keys).dump()))
        upserts.set_sketches(rows)

    def write(self) -> None:
        diff = refresh_facts(self.conversations, zones=self.context.zones, hours=self.context.hours)
        self._first_contacts()
        self._sketches()
        self.daily.update(diff.daily)
        upserts.add_daily(dict(self.daily))
        upserts.add_bins(dict(diff.bins))
        upserts.add_windows(dict(self.windows))


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


def _stale_brands(context: Context) -> list[Brand]:
    """Brands whose rollups were computed with another time zone or other business hours."""
    stored = dict(RollupState.objects.values_list("brand_id", "signature"))
    stale = [pk for pk in context.zones if pk in stored and stored[pk] != context.signature(pk)]
    for pk in context.zones.keys() - stored.keys():
        RollupState.objects.create(brand_id=pk, signature=context.signature(pk))
    return list(Brand.objects.filter(pk__in=stale))


@transaction.atomic
def consume(*, batch_size: int = BATCH) -> int:
    """One step of the incremental consumer; returns how many source rows it took (0: up to date)."""
    message_cursor, event_cursor = _cursor(MESSAGES), _cursor(EVENTS)
    context = Context.load()
    for brand in _stale_brands(context):
        _rebuild(brand, context, batch_size=batch_size)
    messages = _take(Message, message_cursor, MESSAGE_FIELDS, batch_size)
    events = _take(ConversationEvent, event_cursor, EVENT_FIELDS, batch_size)
    delta = Delta(context=context)
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


def _consumed(cursor: RollupCursor, brand: Brand | None) -> Q:
    query = Q(pk__lte=cursor.position) & ~Q(pk__in=[int(pk) for pk in cursor.gaps])
    return query & Q(conversation__brand=brand) if brand is not None else query


def _rebuild(
    brand: Brand | None, context: Context, *, batch_size: int, progress: Callable[[int], None] | None = None
) -> int:
    scope = {"brand": brand} if brand is not None else {}
    for model in ROLLUP_MODELS:
        model._default_manager.filter(**scope).delete()
    total = 0
    sources: tuple[tuple[type[Model], str, tuple[str, ...], str], ...] = (
        (Message, MESSAGES, MESSAGE_FIELDS, "add_message"),
        (ConversationEvent, EVENTS, EVENT_FIELDS, "add_event"),
    )
    for source, cursor_name, fields, method in sources:
        query = _consumed(_cursor(cursor_name), brand)
        last = 0
        while True:
            rows = list(
                source._default_manager.filter(query, pk__gt=last).order_by("pk").values(*fields)[:batch_size]
            )
            if not rows:
                break
            delta = Delta(context=context)
            for row in rows:
                getattr(delta, method)(row)
            delta.write()
            total, last = total + len(rows), rows[-1]["id"]
            if progress is not None:
                progress(total)
    brands = [brand.pk] if brand is not None else list(context.zones)
    for pk in brands:
        RollupState.objects.update_or_create(brand_id=pk, defaults={"signature": context.signature(pk)})
    return total


@transaction.atomic
def rebuild(
    *, brand: Brand | None = None, batch_size: int = BATCH, progress: Callable[[int], None] | None = None
) -> int:
    """Recompute the rollups of ``brand`` (or all) from the rows the consumer has taken so far, in one
    transaction (readers see the old rollups until it commits); ``progress`` gets the rows done so far."""
    return _rebuild(brand, Context.load(), batch_size=batch_size, progress=progress)
