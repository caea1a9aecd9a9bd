"""Inbox rows made directly with the ORM, with exact timestamps, for hand-computed KPI fixtures."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from resonanz.accounts.models import Brand, User
from resonanz.inbox.models import Conversation, ConversationEvent, Direction, Message, Status
from resonanz.sources.models import Channel, ChannelKind


def at(day: int, hour: int, minute: int = 0, month: int = 10) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=UTC)


def channel(brand: Brand, name: str = "Mastodon", kind: str = ChannelKind.MASTODON) -> Channel:
    return Channel.objects.create(brand=brand, kind=kind, name=name)


def conversation(chan: Channel, when: datetime, *, key: str | None = None) -> Conversation:
    conv = Conversation.objects.create(
        brand=chan.brand,
        channel=chan,
        thread_key=key or f"t{Conversation.objects.count() + 1}",
        status=Status.NEW,
        created_at=when,
        last_activity_at=when,
    )
    ConversationEvent.objects.create(conversation=conv, kind=ConversationEvent.Kind.CREATED, created_at=when)
    return conv


def customer(
    conv: Conversation,
    when: datetime,
    *,
    sentiment: str = "neutral",
    criticism: bool = False,
    abuse: bool = False,
    topics: Sequence[str] = (),
    handle: str = "kunde",
    kind: str = "question",
    **extra: Any,
) -> Message:
    """``extra``: further label keys, e.g. ``sentiment_scores`` and ``uncertain`` of the label contract."""
    labels: dict[str, Any] = {
        "sentiment": sentiment,
        "criticism": criticism,
        "abuse": abuse,
        "type": kind,
        "topics": list(topics),
        "aspects": [],
        **extra,
    }
    return Message.objects.create(
        conversation=conv,
        channel=conv.channel,
        direction=Direction.IN,
        author_handle=handle,
        text="…",
        labels=labels,
        created_at=when,
    )


def answer(conv: Conversation, when: datetime, *, automated: bool = False, by: User | None = None) -> Message:
    return Message.objects.create(
        conversation=conv,
        channel=conv.channel,
        direction=Direction.OUT,
        is_automated=automated,
        author_user=by,
        author_handle="team",
        text="Danke!",
        created_at=when,
    )


def reopen(conv: Conversation, when: datetime, *, by: User | None = None) -> ConversationEvent:
    return ConversationEvent.objects.create(
        conversation=conv, kind=ConversationEvent.Kind.REOPENED, actor=by, created_at=when
    )


def assign(conv: Conversation, when: datetime, *, to: User) -> ConversationEvent:
    conv.assignee = to
    conv.save(update_fields=["assignee"])
    return ConversationEvent.objects.create(
        conversation=conv, kind=ConversationEvent.Kind.ASSIGNED, actor=to, data={"to": to.pk}, created_at=when
    )
