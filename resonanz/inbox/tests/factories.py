"""Factories for inbox tests: channels, incoming posts, and conversations made through the pipeline."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from resonanz.accounts.models import Brand
from resonanz.inbox.models import Conversation
from resonanz.inbox.pipeline import ingest_now
from resonanz.sources.incoming import IncomingPost, make_post
from resonanz.sources.models import Channel, ChannelKind

BASE_TIME = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)


def channel_factory(
    brand: Brand, *, kind: str = ChannelKind.IMPORT, name: str = "Import", **kwargs: Any
) -> Channel:
    return Channel.objects.create(brand=brand, kind=kind, name=name, **kwargs)


def incoming(n: int = 1, *, text: str = "Wann fährt der erste Zug?", **kwargs: Any) -> IncomingPost:
    values: dict[str, Any] = {
        "external_id": f"ext-{n}",
        "text": text,
        "created_at": BASE_TIME + timedelta(minutes=n),
        "author_handle": f"kunde{n}",
        "author_name": f"Kunde {n}",
    }
    values.update(kwargs)
    return make_post(**values)


def conversation_factory(
    brand: Brand,
    *,
    channel: Channel | None = None,
    n: int = 1,
    labels: dict[str, Any] | None = None,
    **kwargs: Any,
) -> Conversation:
    channel = (
        channel
        or Channel.objects.filter(brand=brand, kind=ChannelKind.IMPORT).first()
        or channel_factory(brand)
    )
    message = ingest_now(channel, incoming(n, **kwargs), labels=labels or {})
    assert message is not None
    return message.conversation
