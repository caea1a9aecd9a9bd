"""Response facts: the measurement cycles of conversations, recomputed from their complete history.

A conversation's facts are replaced as a whole whenever one of its rows is consumed, so the result
depends only on the data, never on the order or batching of the consumer (rebuild == incremental).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import Any

from resonanz.inbox.models import Conversation, ConversationEvent, Direction, Message
from resonanz.insights.brand_settings import business_hours_for
from resonanz.insights.cycles import BusinessHours, Item, bin_of, cycles_of
from resonanz.insights.models import InsightsSettings, ResponseFact

CHUNK = 500


def topics_of(labels: dict[str, Any]) -> tuple[str, ...]:
    """Topics and aspects of a classification, deduplicated, as the inbox shows them."""
    raw = [str(t) for t in labels.get("topics") or []] + [str(a) for a in labels.get("aspects") or []]
    return tuple(dict.fromkeys(t[:100] for t in raw if t))


def _items(conversation_ids: list[int]) -> dict[int, list[Item]]:
    items: dict[int, list[Item]] = defaultdict(list)
    rows = (
        Message.objects.filter(conversation_id__in=conversation_ids)
        .exclude(direction=Direction.OUT, is_automated=True)  # bots never answer for the brand
        .values_list("conversation_id", "id", "direction", "labels", "created_at")
    )
    for conversation_id, pk, direction, labels, created_at in rows:
        labels = labels if isinstance(labels, dict) else {}
        if direction == Direction.IN:
            item = Item(
                at=created_at,
                kind="in",
                id=pk,
                sentiment=str(labels.get("sentiment") or ""),
                criticism=bool(labels.get("criticism")),
                topics=topics_of(labels),
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


def _facts(
    conversation: Mapping[str, Any], items: list[Item], hours: BusinessHours | None
) -> Iterable[ResponseFact]:
    for cycle in cycles_of(items):
        seconds = cycle.seconds
        business = None
        if hours is not None and cycle.answered_at is not None:
            business = hours.seconds_between(cycle.start, cycle.answered_at)
        yield ResponseFact(
            brand_id=conversation["brand_id"],
            channel_id=conversation["channel_id"],
            conversation_id=conversation["id"],
            cycle_start=cycle.start,
            answered_at=cycle.answered_at,
            seconds=seconds,
            business_seconds=business,
            bin=bin_of(seconds),
            business_bin=bin_of(business),
            criticism=cycle.criticism,
            sentiment_before=cycle.sentiment_before[:10],
            sentiment_after=cycle.sentiment_after[:10],
            topics=(f"|{'|'.join(cycle.topics)}|" if cycle.topics else "")[:500],
        )


def refresh_facts(conversation_ids: Iterable[int]) -> int:
    """Replace the facts of these conversations; returns how many facts now exist for them."""
    ids = sorted(set(conversation_ids))
    written = 0
    hours_cache: dict[int, BusinessHours | None] = {}
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        conversations = list(Conversation.objects.filter(pk__in=chunk).values("id", "brand_id", "channel_id"))
        for brand_id in {c["brand_id"] for c in conversations} - hours_cache.keys():
            hours_cache[brand_id] = business_hours_for(
                InsightsSettings.objects.select_related("brand").filter(brand_id=brand_id).first()
            )
        items = _items(chunk)
        facts = [
            fact
            for conversation in conversations
            for fact in _facts(
                conversation, items.get(conversation["id"], []), hours_cache[conversation["brand_id"]]
            )
        ]
        ResponseFact.objects.filter(conversation_id__in=chunk).delete()
        ResponseFact.objects.bulk_create(facts, batch_size=1000)
        written += len(facts)
    return written
