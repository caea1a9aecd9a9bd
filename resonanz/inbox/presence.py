"""Collision warning: who else has a conversation open (or is writing an answer), kept in the cache.

Each open conversation page sends a heartbeat every few seconds; an entry older than ``TTL`` is gone.
A read-modify-write race can drop one heartbeat, which the next one repairs — fine for a warning.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from django.core.cache import cache

TTL_SECONDS = 30
MODES = ("viewing", "replying")


@dataclass(frozen=True)
class Presence:
    user_id: int
    name: str
    mode: str


def _key(conversation_id: int) -> str:
    return f"inbox:presence:{conversation_id}"


def heartbeat(conversation_id: int, *, user_id: int, name: str, mode: str = "viewing") -> list[Presence]:
    """Record the user and return the *other* people present, replying ones first."""
    now = time.time()
    entries: dict[str, list[object]] = cache.get(_key(conversation_id)) or {}
    entries = {uid: entry for uid, entry in entries.items() if now - float(entry[2]) < TTL_SECONDS}  # type: ignore[arg-type]
    entries[str(user_id)] = [name, mode if mode in MODES else "viewing", now]
    cache.set(_key(conversation_id), entries, timeout=TTL_SECONDS * 2)
    others = [Presence(int(uid), str(e[0]), str(e[1])) for uid, e in entries.items() if uid != str(user_id)]
    return sorted(others, key=lambda p: (p.mode != "replying", p.name))


def leave(conversation_id: int, *, user_id: int) -> None:
    entries = cache.get(_key(conversation_id)) or {}
    if entries.pop(str(user_id), None) is not None:
        cache.set(_key(conversation_id), entries, timeout=TTL_SECONDS * 2)
