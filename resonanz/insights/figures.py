"""Selectors over the count rollups: volumes, sentiment, topics, channels and participants.

Every read is brand-scoped and touches only rollup rows, never raw posts: a period is read as whole
local months (month rows) plus the days at its edges (day rows), see ``Scope.units``; series are read
from day rows and folded into days or weeks here. Response figures live in ``response.py``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date
from typing import Any

from django.db.models import Q, QuerySet, Sum

from resonanz.insights.models import ANY_CHANNEL, DailyCount, Grain, ParticipantSketch
from resonanz.insights.scope import Scope
from resonanz.insights.sketches import Count, Unit, count_union

SENTIMENTS = ("positive", "neutral", "negative")
SPLIT = (*SENTIMENTS, "uncertain", "unlabelled")  # every "in" key: uncertain = the model abstained


def _rows(
    scope: Scope, metrics: list[str], *, key: str | None, grain: str, first: date, end: date
) -> QuerySet:
    rows = DailyCount.objects.filter(
        brand=scope.brand, grain=grain, metric__in=metrics, day__gte=first, day__lt=end
    )
    if scope.channel_id is not None:
        rows = rows.filter(channel_id=scope.channel_id)
    elif "people.new" in metrics:  # first contacts are also stored for "any channel"; nothing else is
        rows = rows.filter(channel_id=ANY_CHANNEL)
    return rows.filter(key=key) if key is not None else rows


def totals(scope: Scope, metrics: list[str], *, key: str | None = None, by: str = "key") -> dict[str, int]:
    """Sums over the period, one per value of ``by`` (key or metric)."""
    out: dict[str, int] = defaultdict(int)
    for grain, first, end in scope.units:
        rows = _rows(scope, metrics, key=key, grain=grain, first=first, end=end)
        for name, n in rows.values_list(by).annotate(n=Sum("count")).values_list(by, "n"):
            out[name] += n
    return {name: n for name, n in out.items() if n}


def series(
    scope: Scope, metrics: list[str], *, key: str | None = None, by: str = "key"
) -> dict[str, list[int]]:
    """Counts per local day (or week), one list per value of ``by`` (key or metric)."""
    rows = _rows(
        scope, metrics, key=key, grain=Grain.DAY, first=scope.period.first_day, end=scope.period.end_day
    )
    index = {bucket: n for n, bucket in enumerate(scope.buckets)}
    out: dict[str, list[int]] = defaultdict(lambda: [0] * len(index))
    for day, name, total in rows.values_list("day", by).annotate(n=Sum("count")).values_list("day", by, "n"):
        position = index.get(scope.bucket_of(day))
        if position is not None:
            out[name][position] += total
    return dict(out)


def _topic_view(raw: dict[str, Any]) -> dict[str, Any]:
    return {name.removeprefix("topic."): value for name, value in raw.items()}


def sentiment_series(scope: Scope) -> dict[str, list[int]]:
    if scope.topic:
        metrics = [f"topic.{s}" for s in SPLIT]
        return _topic_view(series(scope, metrics, key=scope.topic, by="metric"))
    return series(scope, ["in"])


def sentiment_totals(scope: Scope) -> dict[str, int]:
    if scope.topic:
        metrics = [f"topic.{s}" for s in SPLIT]
        return _topic_view(totals(scope, metrics, key=scope.topic, by="metric"))
    return totals(scope, ["in"])


def uncertain_total(scope: Scope) -> int:
    """Incoming posts on which the classifier abstained on some head (metric ``uncertain``)."""
    return totals(scope, ["uncertain"], by="metric").get("uncertain", 0)


def criticism_abuse_series(scope: Scope) -> dict[str, list[int]]:
    if scope.topic:
        return _topic_view(series(scope, ["topic.criticism", "topic.abuse"], key=scope.topic, by="metric"))
    return series(scope, ["criticism", "abuse"], by="metric")


def top_topics(scope: Scope, *, limit: int = 10) -> list[dict[str, Any]]:
    """The most discussed topics with their sentiment split, largest first."""
    counts: dict[str, dict[str, int]] = defaultdict(lambda: dict.fromkeys(SPLIT, 0))
    metrics = [f"topic.{s}" for s in SPLIT]
    for grain, first, end in scope.units:
        rows = _rows(scope, metrics, key=None, grain=grain, first=first, end=end)
        for topic, metric, n in (
            rows.values_list("key", "metric").annotate(n=Sum("count")).values_list("key", "metric", "n")
        ):
            counts[topic][metric.removeprefix("topic.")] += n
    ranked = sorted(counts.items(), key=lambda kv: (-sum(kv[1].values()), kv[0]))[:limit]
    return [
        {"topic": topic, "total": sum(split.values()), **split}
        for topic, split in ranked
        if any(split.values())
    ]


def _sketch_units(scope: Scope, channel_ids: Iterable[int] | None) -> dict[int, list[Unit]]:
    """The stored participant sets of the period, per channel."""
    out: dict[int, list[Unit]] = defaultdict(list)
    query = Q()
    for grain, first, end in scope.units:
        query |= Q(grain=grain, day__gte=first, day__lt=end)
    if not query:
        return out
    rows = ParticipantSketch.objects.filter(query, brand=scope.brand)
    if channel_ids is not None:
        rows = rows.filter(channel_id__in=list(channel_ids))
    for channel, keys, registers in rows.values_list("channel_id", "keys", "registers"):
        out[channel].append(Unit.load(keys, registers))
    return out


def active_participants(scope: Scope) -> Count:
    channels = [scope.channel_id] if scope.channel_id is not None else None
    units = _sketch_units(scope, channels)
    return count_union(u for group in units.values() for u in group)


def participants(scope: Scope) -> dict[str, Any]:
    """People who wrote in the period; how many wrote for the first time (on the channel, if filtered);
    the others came back. ``exact`` is False when the distinct count is a HyperLogLog estimate."""
    active = active_participants(scope)
    new = totals(scope, ["people.new"]).get("", 0)
    return {
        "active": active.value,
        "new": new,
        "returning": max(0, active.value - new),
        "exact": active.exact,
    }


def reach_by_channel(scope: Scope) -> dict[int, int]:
    return {channel: count_union(units).value for channel, units in _sketch_units(scope, None).items()}


def by_channel(scope: Scope) -> dict[int, dict[str, int]]:
    """Incoming, answers, conversations and reach per channel (the channel filter does not apply)."""
    unfiltered = Scope(brand=scope.brand, period=scope.period)
    out: dict[int, dict[str, int]] = defaultdict(lambda: {"in": 0, "out": 0, "conversations": 0, "reach": 0})
    for grain, first, end in unfiltered.units:
        rows = _rows(unfiltered, ["in", "out", "conversations"], key=None, grain=grain, first=first, end=end)
        for channel, metric, n in (
            rows.filter(~Q(metric="out") | Q(key="human"))
            .values_list("channel_id", "metric")
            .annotate(n=Sum("count"))
            .values_list("channel_id", "metric", "n")
        ):
            out[channel][metric] += n
    for channel, reach in reach_by_channel(unfiltered).items():
        out[channel]["reach"] = reach
    return dict(out)


def day_labels(scope: Scope) -> list[str]:
    return [bucket.isoformat() for bucket in scope.buckets]
