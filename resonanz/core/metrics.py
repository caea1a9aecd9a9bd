"""Prometheus metrics at ``/metrics``, in the text exposition format (written here; no client library).

What an operator alerts on: queue depth per queue, posts received (a counter and the last minute), how
long classification takes (a histogram kept in the shared cache, so the web sees what workers measured),
open conversations, conversations past their due time and moderation decisions waiting for a second
moderator (guard holds). Database figures are read per scrape with indexed, bounded queries.
"""

from __future__ import annotations

import hmac
import ipaddress
import logging
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.db.models import Count, Max, QuerySet
from django.http import HttpRequest
from django.utils import timezone

from resonanz.core.clientip import client_address
from resonanz.core.health import queue_depths

log = logging.getLogger(__name__)

# Upper bounds (seconds) of the classification histogram: one post takes milliseconds, a batch of a
# thousand up to seconds.
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
_PREFIX = "metrics:classify"
# "Received in the last minute" looks at most at this many of the newest staging rows (a primary-key
# range), so a scrape stays cheap however large the table grows.
RECENT_WINDOW_ROWS = 100_000


# --- classification latency -----------------------------------------------------------------------
def _add(key: str, amount: int) -> None:
    cache.add(key, 0, timeout=None)
    cache.incr(key, amount)


def record_classification(seconds: float, posts: int) -> None:
    """Count one classification call of ``posts`` posts that took ``seconds``; never raises."""
    try:
        bucket = next((str(b) for b in LATENCY_BUCKETS if seconds <= b), "+Inf")
        _add(f"{_PREFIX}:bucket:{bucket}", 1)
        _add(f"{_PREFIX}:count", 1)
        _add(f"{_PREFIX}:sum_us", round(seconds * 1_000_000))
        _add(f"{_PREFIX}:posts", posts)
    except Exception:  # metrics must never break classification
        log.debug("could not record classification latency", exc_info=True)


@contextmanager
def timed_classification(posts: int) -> Iterator[None]:
    started = time.perf_counter()
    try:
        yield
    finally:
        record_classification(time.perf_counter() - started, posts)


def classification_histogram() -> tuple[list[tuple[str, int]], int, float, int]:
    """(cumulative buckets, count, sum in seconds, posts) as recorded so far."""
    labels = [*(str(b) for b in LATENCY_BUCKETS), "+Inf"]
    keys = [f"{_PREFIX}:bucket:{label}" for label in labels]
    stored = cache.get_many([*keys, f"{_PREFIX}:count", f"{_PREFIX}:sum_us", f"{_PREFIX}:posts"])
    cumulative, running = [], 0
    for label, key in zip(labels, keys, strict=True):
        running += int(stored.get(key, 0))
        cumulative.append((label, running))
    return (
        cumulative,
        int(stored.get(f"{_PREFIX}:count", 0)),
        int(stored.get(f"{_PREFIX}:sum_us", 0)) / 1_000_000,
        int(stored.get(f"{_PREFIX}:posts", 0)),
    )


# --- access ---------------------------------------------------------------------------------------
def metrics_enabled() -> bool:
    return bool(settings.METRICS_TOKEN or settings.METRICS_ALLOWED_NETWORKS)


def may_read_metrics(request: HttpRequest) -> bool:
    """The right bearer token, or a client address inside RESONANZ_METRICS_ALLOWED_NETWORKS."""
    token: str = settings.METRICS_TOKEN
    header = str(request.META.get("HTTP_AUTHORIZATION", ""))
    sent = header.removeprefix("Bearer ").strip() if header.startswith("Bearer ") else ""
    if token and sent and hmac.compare_digest(sent.encode(), token.encode()):
        return True
    try:
        networks = [ipaddress.ip_network(n.strip(), strict=False) for n in settings.METRICS_ALLOWED_NETWORKS]
    except ValueError as exc:
        raise ImproperlyConfigured(f"RESONANZ_METRICS_ALLOWED_NETWORKS: {exc}") from exc
    address = client_address(request)
    return address is not None and any(address in network for network in networks)


# --- exposition -----------------------------------------------------------------------------------
def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace("\n", "\\n").replace('"', '\\"')


def _family(
    name: str, kind: str, help_text: str, samples: Iterable[tuple[str, dict[str, str], float]]
) -> list[str]:
    lines = [f"# HELP {name} {help_text}", f"# TYPE {name} {kind}"]
    for suffix, labels, value in samples:
        label_text = ",".join(f'{key}="{_escape(val)}"' for key, val in labels.items())
        lines.append(
            f"{name}{suffix}{{{label_text}}} {value:g}" if label_text else f"{name}{suffix} {value:g}"
        )
    return lines


def _per_brand(queryset: QuerySet[Any]) -> list[tuple[str, dict[str, str], float]]:
    """One sample per brand: the rows of ``queryset`` counted by the brand's slug (one GROUP BY)."""
    rows = queryset.order_by().values("brand__slug").annotate(n=Count("id")).values_list("brand__slug", "n")
    return [("", {"brand": slug}, count) for slug, count in rows]


def render_metrics() -> str:
    # Imported here: core must not import the apps' models at module load (they import core).
    from resonanz.inbox.models import Conversation, InboundItem
    from resonanz.moderation.models import ModerationDecision

    lines: list[str] = []
    depths = queue_depths() or {}
    lines += _family(
        "resonanz_queue_depth", "gauge", "Jobs waiting to run per queue.",
        [("", {"queue": name}, depth) for name, depth in depths.items()],
    )  # fmt: skip
    newest = InboundItem.objects.aggregate(newest=Max("id"))["newest"] or 0
    lines += _family(
        "resonanz_posts_received_total", "counter",
        "Posts received from channels and the community (staging rows ever written).", [("", {}, newest)],
    )  # fmt: skip
    recent = InboundItem.objects.filter(
        id__gt=newest - RECENT_WINDOW_ROWS, received_at__gte=timezone.now() - timedelta(minutes=1)
    ).count()
    lines += _family(
        "resonanz_posts_received_last_minute", "gauge", "Posts received in the last 60 seconds.",
        [("", {}, recent)],
    )  # fmt: skip
    buckets, count, total, posts = classification_histogram()
    lines += _family(
        "resonanz_classification_seconds", "histogram",
        "Seconds per classification call (a post or a batch).",
        [*(("_bucket", {"le": le}, n) for le, n in buckets), ("_sum", {}, total), ("_count", {}, count)],
    )  # fmt: skip
    lines += _family("resonanz_classified_posts_total", "counter", "Posts classified.", [("", {}, posts)])
    active = Conversation.objects.filter(is_active=True)
    lines += _family(
        "resonanz_open_conversations", "gauge", "Conversations that still need the team, per brand.",
        _per_brand(active),
    )  # fmt: skip
    overdue = active.filter(due_at__lt=timezone.now())
    lines += _family(
        "resonanz_response_time_breaches", "gauge", "Open conversations past their due time, per brand.",
        _per_brand(overdue),
    )  # fmt: skip
    holds = ModerationDecision.objects.filter(status=ModerationDecision.Status.PENDING_APPROVAL)
    lines += _family(
        "resonanz_guard_holds", "gauge", "Moderation decisions waiting for a second moderator, per brand.",
        _per_brand(holds),
    )  # fmt: skip
    return "\n".join(lines) + "\n"
