"""Explanations for the conversation page: word evidence is computed on demand, then cached.

Ingestion stores labels without word-level evidence (it costs ~8x the classification); the page loads
it with htmx when the agent opens a message's "Why?".
"""

from __future__ import annotations

from typing import Any

from django.core.cache import cache

from resonanz.inbox.labels import explain_text
from resonanz.inbox.models import Direction, Message

MAX_EXPLAINED = 5
CACHE_SECONDS = 24 * 3600


def explanations_for(messages: list[Message], *, brand_slug: str) -> dict[int, dict[str, Any]]:
    """message id → {label: [evidence …]} for the latest customer messages with labels."""
    wanted = [m for m in messages if m.direction == Direction.IN and m.labels][-MAX_EXPLAINED:]
    result: dict[int, dict[str, Any]] = {}
    for message in wanted:
        key = f"inbox:explain:{message.pk}:{message.model_version}"
        found = cache.get(key)
        if found is None:
            found = explain_text(message.text, brand_slug=brand_slug) or message.labels.get(
                "explanations", {}
            )
            cache.set(key, found, CACHE_SECONDS)
        result[message.pk] = found
    return result
