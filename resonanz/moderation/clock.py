"""The moderation app's clock: ``now()`` is Django's ``timezone.now()`` unless a caller set the time.

The demo (``resonanz.moderation.demo``) writes a back-dated moderation history through the real
services; the log's timestamps are inside the hash chain, so they cannot be changed afterwards and the
services have to write them with the intended time in the first place. ``at(moment)`` does that for
the current thread/task only (a context variable), never for other requests.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime

from django.utils import timezone

_moment: ContextVar[datetime | None] = ContextVar("moderation_clock", default=None)


def now() -> datetime:
    return _moment.get() or timezone.now()


@contextmanager
def at(moment: datetime) -> Iterator[datetime]:
    """Run the block as if it were ``moment`` (an aware datetime)."""
    if timezone.is_naive(moment):
        raise ValueError("the moderation clock needs an aware datetime")
    token = _moment.set(moment)
    try:
        yield moment
    finally:
        _moment.reset(token)
