"""Fixed-window rate limits on public writes and logins, counted atomically (Redis or the database).

The client is the signed-in user, else its address as the trusted proxies report it (core.clientip).
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from django.http import HttpRequest
from django.utils.translation import gettext as _

from resonanz.core import counters
from resonanz.core.clientip import client_ident
from resonanz.core.config import product_setting
from resonanz.core.errors import RateLimited


def client_key(request: HttpRequest) -> str:
    """The authenticated user, else the client address behind the trusted proxies."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"user:{user.pk}"
    return f"ip:{client_ident(request)}"


@dataclass(frozen=True)
class Window:
    limit: int
    seconds: int
    start: int
    now: int

    @property
    def retry_after(self) -> int:
        return max(1, self.start + self.seconds - self.now)

    @property
    def ends_at(self) -> int:
        return self.start + self.seconds


def window(scope: str) -> Window:
    limit, seconds = product_setting("RATE_LIMITS")[scope]
    now = int(time.time())
    return Window(limit=int(limit), seconds=int(seconds), start=now - now % seconds, now=now)


def _counter(scope: str, key: str, current: Window) -> str:
    return f"rl:{scope}:{key}:{current.start}"


def _refuse(current: Window) -> RateLimited:
    return RateLimited(
        _("Too many requests. Please try again in %(seconds)s seconds.") % {"seconds": current.retry_after},
        retry_after=current.retry_after,
    )


def check_rate(scope: str, key: str) -> None:
    """Count one hit for ``key`` in ``scope``; raise RateLimited past the configured limit."""
    current = window(scope)
    if counters.hit(_counter(scope, key, current), ttl=current.seconds + 1) > current.limit:
        raise _refuse(current)


def is_exhausted(scope: str, key: str) -> Window | None:
    """The current window if ``key`` used up ``scope`` already (without counting), else None."""
    current = window(scope)
    return current if counters.peek(_counter(scope, key, current)) >= current.limit else None


def count_hit(scope: str, key: str) -> int:
    """Count one hit (e.g. a failed login) without refusing; returns the count in this window."""
    current = window(scope)
    return counters.hit(_counter(scope, key, current), ttl=current.seconds + 1)


def forget(scope: str, key: str) -> None:
    counters.clear(_counter(scope, key, window(scope)))
