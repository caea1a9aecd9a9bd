"""Response facts: the measurement cycles of conversations, recomputed from their complete history.

A touched conversation's facts are recomputed as a whole and compared with the stored ones; only a
conversation whose facts changed is rewritten, and the rollups get the difference (the new facts' counts
minus the old ones'). The result depends only on the data, never on the order or batching of the
consumer (rebuild == incremental).
"""

from __future__ import annotations

import zoneinfo
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from resonanz.inbox.models import Conversation, ConversationEvent, Direction, Message
from resonanz.insights import upserts
from resonanz.insights.cycles import BusinessHours, Item, bin_of, cycles_of
from resonanz.insights.kpis import improved
from resonanz.insights.models import Grain, ResponseFact

CHUNK = 500
FIELDS = upserts.FACT_COLUMNS


def topics_of(labels: dict[str, Any]) -> tuple[str, ...]:
    """Topics and aspects of a classification, deduplicated, as the inbox shows them."""
    raw = [str(t) for t in labels.get("topics") or []] + [str(a) for a in labels.get("aspects") or []]
    return tuple(dict.fromkeys(t[:100] for t in raw if t))


def fact_topics(fact: Mapping[str, Any]) -> list[str]:
    return [t for t in str(fact["topics"]).split("|") if t]


@dataclass
class Diff:
    """Increments for the daily counts (cycle metrics) and the response-time histogram."""

    daily: Counter[upserts.DailyKey] = field(default_factory=Counter)
    bins: Counter[upserts.BinKey] = field(default_factory=Counter)

    def add(self, fact: Mapping[str, Any], *, zone: zoneinfo.ZoneInfo, business: bool, sign: int) -> None:
        brand, channel = fact["brand_id"], fact["channel_id"]
        day = fact["cycle_start"].astimezone(zone).date()
        answered = fact["seconds"] is not None
        criticism = bool(fact["criticism"])
        judged = improved(fact["sentiment_before"], fact["sentiment_after"]) if answered else None
        metrics = ["cycle.all"]
        metrics += ["cycle.answered"] if answered else []
        metrics += ["cycle.criticism"] if criticism else []
        metrics += ["cycle.criticism_answered"] if criticism and answered else []
        metrics += ["cycle.judged"] if judged is not None else []
        metrics += ["cycle.improved"] if judged else []
        active_bin = fact["business_bin"] if business else fact["bin"]
        for grain, unit in ((Grain.DAY, day), (Grain.MONTH, day.replace(day=1))):
            for topic in ["", *fact_topics(fact)]:
                for metric in metrics:
                    self.daily[(brand, grain, unit, channel, metric, topic)] += sign
                if answered and active_bin is not None:
                    self.bins[(brand, grain, topic, unit, channel, active_bin, criticism)] += sign


def _items(conversation_ids: list[int]) -> dict[int, list[Item]]:
    items: dict[int, list[Item]] = defaultdict(list)
    rows = (
        Message.objects.filter(conversation_id__in=conversation_ids)
        .exclude(direction=Direction.OUT, is_automated=True)  # bots never answer for the brand
        .values_list(
            "conversation_id",
            "id",
            "direction",
            "created_at",
            "labels__sentiment",
            "labels__criticism",
            "labels__topics",
            "labels__aspects",
        )
    )
    for conversation_id, pk, direction, created_at, sentiment, criticism, topics, aspects in rows:
        if direction == Direction.IN:
            item = Item(
                at=created_at,
                kind="in",
                id=pk,
                sentiment=str(sentiment or ""),
                criticism=bool(criticism),
                topics=topics_of({"topics": topics, "aspects": aspects}),
            )
        else:
            item = Item(at=created_at, kind="out", id=pk)
        items[conversation_id].append(item)
    reopens = ConversationEvent.objects.filter(
        conversation_id__in=conversation_ids, kind=ConversationEvent.Kind.REOPENED
    ).values_list("conversation_id", "id", "created_at")
    for conversation_id, pk, created_at in reopens:
        items[conversation_id].append(Item(at=created_at, kind="reopen", id=pk))
    return items


def facts_of(
    conversation: Mapping[str, Any], items: list[Item], hours: BusinessHours | None
) -> list[dict[str, Any]]:
    out = []
    for cycle in cycles_of(items):
        seconds = cycle.seconds
        business = None
        if hours is not None and cycle.answered_at is not None:
            business = hours.seconds_between(cycle.start, cycle.answered_at)
        out.append(
            {
                "brand_id": conversation["brand_id"],
                "channel_id": conversation["channel_id"],
                "conversation_id": conversation["id"],
                "cycle_start": cycle.start,
                "answered_at": cycle.answered_at,
                "seconds": seconds,
                "business_seconds": business,
                "bin": bin_of(seconds),
                "business_bin": bin_of(business),
                "criticism": cycle.criticism,
                "sentiment_before": cycle.sentiment_before[:10],
                "sentiment_after": cycle.sentiment_after[:10],
                "topics": (f"|{'|'.join(cycle.topics)}|" if cycle.topics else "")[:500],
            }
        )
    return out


def _same(old: list[dict[str, Any]], new: list[dict[str, Any]]) -> bool:
    """Both lists are ordered by cycle start (the stored ones by the query, the new ones by cycles_of)."""
    return len(old) == len(new) and all(a == b for a, b in zip(old, new, strict=True))


def refresh_facts(
    conversation_ids: Iterable[int],
    *,
    zones: Mapping[int, zoneinfo.ZoneInfo],
    hours: Mapping[int, BusinessHours | None],
) -> Diff:
    """Recompute the facts of these conversations; store the changed ones and return the rollup diff.

    ``zones`` and ``hours`` map brand ids to the brand's time zone and business hours (None: off).
    """
    ids = sorted(set(conversation_ids))
    diff = Diff()
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        conversations = list(Conversation.objects.filter(pk__in=chunk).values("id", "brand_id", "channel_id"))
        stored: dict[int, list[dict[str, Any]]] = defaultdict(list)
        rows = ResponseFact.objects.filter(conversation_id__in=chunk).order_by(
            "conversation_id", "cycle_start"
        )
        for fact in rows.values(*FIELDS):
            stored[fact["conversation_id"]].append(fact)
        items = _items(chunk)
        changed: list[int] = []
        fresh: list[dict[str, Any]] = []
        for conversation in conversations:
            brand = conversation["brand_id"]
            old = stored.get(conversation["id"], [])
            new = facts_of(conversation, items.get(conversation["id"], []), hours.get(brand))
            if _same(old, new):
                continue
            business = hours.get(brand) is not None
            for fact in old:
                diff.add(fact, zone=zones[brand], business=business, sign=-1)
            for fact in new:
                diff.add(fact, zone=zones[brand], business=business, sign=1)
            changed.append(conversation["id"])
            fresh.extend(new)
        if changed:
            upserts.replace_facts(changed, fresh)
    return diff
