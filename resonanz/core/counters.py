"""Atomic counters with an expiry for rate limits and replay protection: Redis when it is the cache,
else one database table. Never the file cache, whose read-modify-write loses hits between processes.
"""

from __future__ import annotations

import hashlib
import random
import time

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction

from resonanz.core.config import product_setting
from resonanz.core.models import LimitCounter

TABLE = connection.ops.quote_name(LimitCounter._meta.db_table)
KEY = connection.ops.quote_name("key")
SWEEP_CHANCE = 0.01  # about one hit in a hundred deletes expired rows; keeps the table small, costs little


def _uses_redis() -> bool:
    """Whether the counters live in the cache: Redis by default; the database otherwise.

    ``RESONANZ["LIMIT_STORE"]`` may pin ``"database"`` or ``"cache"`` (the test settings keep the
    in-process cache so that page tests count the page's queries); a file cache is never used.
    """
    backend = str(settings.CACHES["default"]["BACKEND"]).lower()
    store = product_setting("LIMIT_STORE")
    if store == "database" or "filebased" in backend:
        return False
    return store == "cache" or "redis" in backend


def _key(key: str) -> str:
    if len(key) <= 180:
        return key
    return key[:100] + ":" + hashlib.sha256(key.encode()).hexdigest()


def hit(key: str, *, ttl: int) -> int:
    """Count one hit on ``key`` (which should name its window) and return the count so far."""
    key = _key(key)
    if _uses_redis():
        cache.add(key, 0, timeout=ttl)
        try:
            return int(cache.incr(key))
        except ValueError:  # expired between add and incr
            cache.add(key, 1, timeout=ttl)
            return 1
    now = int(time.time())
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {TABLE} ({KEY}, count, expires_at) VALUES (%s, 1, %s) "  # noqa: S608 (constant table)
            f"ON CONFLICT ({KEY}) DO UPDATE SET count = {TABLE}.count + 1 RETURNING count",
            [key, now + ttl],
        )
        count = int(cursor.fetchone()[0])
    _maybe_sweep(now)
    return count


def peek(key: str) -> int:
    """The count of ``key`` without counting (0 when absent or expired)."""
    key = _key(key)
    if _uses_redis():
        return int(cache.get(key, 0))
    row = LimitCounter.objects.filter(key=key, expires_at__gt=int(time.time())).values("count").first()
    return int(row["count"]) if row else 0


def clear(key: str) -> None:
    key = _key(key)
    if _uses_redis():
        cache.delete(key)
    else:
        LimitCounter.objects.filter(key=key).delete()


def add_once(key: str, *, ttl: int) -> bool:
    """Mark ``key`` as seen for ``ttl`` seconds; False when it was seen already (a replay)."""
    key = _key(key)
    if _uses_redis():
        return bool(cache.add(key, 1, timeout=ttl))
    now = int(time.time())
    with transaction.atomic():
        LimitCounter.objects.filter(key=key, expires_at__lte=now).delete()
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {TABLE} ({KEY}, count, expires_at) VALUES (%s, 1, %s) "  # noqa: S608
                f"ON CONFLICT ({KEY}) DO NOTHING",
                [key, now + ttl],
            )
            added = cursor.rowcount == 1
    _maybe_sweep(now)
    return added


def _maybe_sweep(now: int) -> None:
    if random.random() < SWEEP_CHANCE:
        LimitCounter.objects.filter(expires_at__lte=now).delete()
