"""The API's throttle: one bucket per signed-in user, one per anonymous client address.

Replaces ninja's Anon/AuthRateThrottle, which (a) put every anonymous caller of an endpoint with optional
authentication into one shared bucket (its key was ``str(AnonymousUser)``), (b) trusted a client-sent
``X-Forwarded-For`` and (c) kept a read-modify-write list in the cache that concurrent requests overwrite.
"""

from __future__ import annotations

import threading
import time

from django.http import HttpRequest
from ninja.throttling import BaseThrottle

from resonanz.core import counters
from resonanz.core.clientip import client_ident
from resonanz.core.config import product_setting

UNITS = {"s": 1, "sec": 1, "m": 60, "min": 60, "h": 3600, "hour": 3600, "d": 86400, "day": 86400}


def parse_rate(rate: str) -> tuple[int, int]:
    """``"600/m"`` → (600, 60); ``"100/5m"`` → (100, 300); units s, m, h, d (or sec, min, hour, day)."""
    try:
        count, period = rate.strip().split("/", 1)
        digits = "".join(ch for ch in period if ch.isdigit())
        unit = period[len(digits) :]
        return int(count), int(digits or 1) * UNITS[unit]
    except (ValueError, KeyError) as exc:
        raise ValueError(f"invalid rate {rate!r}; expected e.g. 600/m") from exc


class ClientRateThrottle(BaseThrottle):
    """Fixed windows counted atomically in Redis or the database (core.counters)."""

    def __init__(self, *, user_setting: str, anon_setting: str) -> None:
        # Setting names, read per request, so the rates follow the settings (and tests can change them).
        self.user_setting, self.anon_setting = user_setting, anon_setting
        self._local = threading.local()  # the throttle object is shared by all requests and threads

    def allow_request(self, request: HttpRequest) -> bool:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            rate, ident = product_setting(self.user_setting), f"user:{user.pk}"
        else:
            rate, ident = product_setting(self.anon_setting), f"ip:{client_ident(request)}"
        limit, seconds = parse_rate(rate)
        now = int(time.time())
        start = now - now % seconds
        count = counters.hit(f"api:{ident}:{start}", ttl=seconds + 1)
        self._local.wait = float(start + seconds - now)
        return count <= limit

    def wait(self) -> float | None:
        return getattr(self._local, "wait", None)
