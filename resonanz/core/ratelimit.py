"""Fixed-window rate limits on public writes, kept in the shared cache (file cache or Redis)."""

from __future__ import annotations

import time

from django.core.cache import cache
from django.http import HttpRequest
from django.utils.translation import gettext as _

from resonanz.core.config import product_setting
from resonanz.core.errors import RateLimited


def client_key(request: HttpRequest) -> str:
    """The authenticated user, else the client address (the proxy must set REMOTE_ADDR correctly)."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"user:{user.pk}"
    return f"ip:{request.META.get('REMOTE_ADDR', 'unknown')}"


def check_rate(scope: str, key: str) -> None:
    """Count one hit for ``key`` in ``scope``; raise RateLimited past the configured limit."""
    limit, window = product_setting("RATE_LIMITS")[scope]
    now = int(time.time())
    window_start = now - now % window
    cache_key = f"rl:{scope}:{key}:{window_start}"
    if cache.add(cache_key, 1, timeout=window + 1):
        count = 1
    else:
        try:
            count = cache.incr(cache_key)
        except ValueError:  # expired between add and incr
            cache.set(cache_key, 1, timeout=window + 1)
            count = 1
    if count > limit:
        retry_after = window_start + window - now
        raise RateLimited(
            _("Too many requests. Please try again in %(seconds)s seconds.") % {"seconds": retry_after},
            retry_after=retry_after,
        )
