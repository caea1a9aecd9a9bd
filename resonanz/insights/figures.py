"""Selectors over the rollups: the figures of dashboards, KPIs, reports and the API.

Every read is brand-scoped and touches only rollup rows (hourly counts, response facts, participants),
never raw posts. Hourly UTC buckets are folded into the brand's local days here.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import TruncHour

from resonanz.insights.kpis import ResponseFigures, quantile_ranks
from resonanz.insights.models import HourlyCount, Participant, ParticipantDay, ResponseFact
from resonanz.insights.scope import Scope

SENTIMENTS = ("positive", "neutral", "negative")
IMPROVED = Q(sentiment_before="negative", sentiment_after__in=["neutral", "positive"]) | Q(
    sentiment_before="neutral", sentiment_after="positive"
)
JUDGED = Q(sentiment_before__in=SENTIMENTS, sentiment_after__in=SENTIMENTS)
# Upper bounds (seconds) of the response-time distribution shown as a chart and table.
DISTRIBUTION = [
    (300, "< 5 min"),
    (900, "5-15 min"),
    (1800, "15-30 min"),
    (3600, "30-60 min"),
    (7200, "1-2 h"),
    (14400, "2-4 h"),
    (28800, "4-8 h"),
    (86400, "8-24 h"),
    (259200, "1-3 d"),
    (None, "> 3 d"),
]


def hourly(scope: Scope, metrics: list[str]) -> QuerySet[HourlyCount]:
    rows = HourlyCount.objects.filter(
        brand=scope.brand, metric__in=metrics, hour__gte=scope.start, hour__lt=scope.end
    )
    if scope.channel_id is not None:
        rows = rows.filter(channel_id=scope.channel_id)
    return rows


def series(
    scope: Scope, metrics: list[str], *, key: str | None = None, by: str = "key"
) -> dict[str, list[int]]:
    """Counts per local day (or week), one list per value of ``by`` (key or metric)."""
    rows = hourly(scope, metrics)
    if key is not None:
        rows = rows.filter(key=key)
    index = {bucket: n for n, bucket in enumerate(scope.buckets)}
    out: dict[str, list[int]] = defaultdict(lambda: [0] * len(index))
    for hour, name, total in (
        rows.values_list("hour", by).annotate(n=Sum("count")).values_list("hour", by, "n")
    ):
        position = index.get(scope.bucket(hour))
        if position is not None:
            out[name][position] += total
    return dict(out)


def totals(scope: Scope, metrics: list[str], *, key: str | None = None, by: str = "key") -> dict[str, int]:
    rows = hourly(scope, metrics)
    if key is not None:
        rows = rows.filter(key=key)
    return {name: n for name, n in rows.values_list(by).annotate(n=Sum("count")).values_list(by, "n")}


def sentiment_series(scope: Scope) -> dict[str, list[int]]:
    if scope.topic:
        raw = series(scope, [f"topic.{s}" for s in SENTIMENTS], key=scope.topic, by="metric")
        return {name.removeprefix("topic."): values for name, values in raw.items()}
    return series(scope, ["in"])


def sentiment_totals(scope: Scope) -> dict[str, int]:
    if scope.topic:
        raw = totals(scope, [f"topic.{s}" for s in (*SENTIMENTS, "unlabelled")], key=scope.topic, by="metric")
        return {name.removeprefix("topic."): n for name, n in raw.items()}
    return totals(scope, ["in"])


def criticism_abuse_series(scope: Scope) -> dict[str, list[int]]:
    if scope.topic:
        raw = series(scope, ["topic.criticism", "topic.abuse"], key=scope.topic, by="metric")
        return {name.removeprefix("topic."): values for name, values in raw.items()}
    return series(scope, ["criticism", "abuse"], by="metric")


def top_topics(scope: Scope, *, limit: int = 10) -> list[dict[str, Any]]:
    """The most discussed topics with their sentiment split, largest first."""
    counts: dict[str, dict[str, int]] = defaultdict(lambda: dict.fromkeys((*SENTIMENTS, "unlabelled"), 0))
    metrics = [f"topic.{s}" for s in (*SENTIMENTS, "unlabelled")]
    for topic, metric, n in (
        hourly(scope, metrics)
        .values_list("key", "metric")
        .annotate(n=Sum("count"))
        .values_list("key", "metric", "n")
    ):
        counts[topic][metric.removeprefix("topic.")] += n
    ranked = sorted(counts.items(), key=lambda kv: (-sum(kv[1].values()), kv[0]))[:limit]
    return [{"topic": topic, "total": sum(split.values()), **split} for topic, split in ranked]


def facts(scope: Scope) -> QuerySet[ResponseFact]:
    rows = ResponseFact.objects.filter(
        brand=scope.brand, cycle_start__gte=scope.start, cycle_start__lt=scope.end
    )
    if scope.channel_id is not None:
        rows = rows.filter(channel_id=scope.channel_id)
    if scope.topic:
        rows = rows.filter(topics__contains=f"|{scope.topic}|")
    return rows


def _quantile(rows: QuerySet[ResponseFact], field: str, bin_field: str, n: int, q: float) -> float | None:
    """Exact quantile: the bin histogram finds the rank's bin, one small ordered read gives the values."""
    if n == 0:
        return None
    lower, weight = quantile_ranks(n, q)
    histogram = list(
        rows.filter(**{f"{field}__isnull": False})
        .values_list(bin_field)
        .annotate(c=Count("id"))
        .order_by(bin_field)
    )
    seen = 0
    for position, (_bin, count) in enumerate(histogram):
        if seen + count > lower:
            bins = [b for b, _c in histogram[position : position + 2]]
            values = list(
                rows.filter(**{f"{bin_field}__in": bins})
                .order_by(field)
                .values_list(field, flat=True)[lower - seen : lower - seen + 2]
            )
            low = float(values[0])
            high = float(values[1]) if len(values) > 1 else low
            return low + weight * (high - low)
        seen += count
    return None


def response(scope: Scope, *, business: bool = False, within_seconds: int | None = None) -> ResponseFigures:
    field, bin_field = ("business_seconds", "business_bin") if business else ("seconds", "bin")
    rows = facts(scope)
    answered = Q(seconds__isnull=False)
    in_time = (
        Q(criticism=True, **{f"{field}__lte": within_seconds}) if within_seconds is not None else Q(pk=None)
    )
    agg = rows.aggregate(
        n_cycles=Count("id"),
        n_answered=Count("id", filter=answered),
        n_criticism=Count("id", filter=Q(criticism=True)),
        n_criticism_answered=Count("id", filter=Q(criticism=True) & answered),
        n_in_time=Count("id", filter=in_time & answered),
        n_judged=Count("id", filter=answered & JUDGED),
        n_improved=Count("id", filter=answered & JUDGED & IMPROVED),
    )
    return ResponseFigures(
        cycles=agg["n_cycles"],
        answered=agg["n_answered"],
        median_seconds=_quantile(rows, field, bin_field, agg["n_answered"], 0.5),
        p90_seconds=_quantile(rows, field, bin_field, agg["n_answered"], 0.9),
        criticism=agg["n_criticism"],
        criticism_answered=agg["n_criticism_answered"],
        criticism_in_time=agg["n_in_time"] if within_seconds is not None else 0,
        turnaround_base=agg["n_judged"],
        turnaround_improved=agg["n_improved"],
    )


def response_distribution(scope: Scope, *, business: bool = False) -> list[tuple[str, int]]:
    field = "business_seconds" if business else "seconds"
    conditions: dict[str, Any] = {}
    previous = -1
    for n, (upper, _label) in enumerate(DISTRIBUTION):
        cond = Q(**{f"{field}__gt": previous}) if previous >= 0 else Q(**{f"{field}__isnull": False})
        if upper is not None:
            cond &= Q(**{f"{field}__lte": upper})
        conditions[f"b{n}"] = Count("id", filter=cond)
        previous = upper if upper is not None else previous
    agg = facts(scope).aggregate(**conditions)
    return [(label, agg[f"b{n}"]) for n, (_upper, label) in enumerate(DISTRIBUTION)]


def response_rate_series(scope: Scope) -> dict[str, list[int]]:
    index = {bucket: n for n, bucket in enumerate(scope.buckets)}
    out = {"cycles": [0] * len(index), "answered": [0] * len(index)}
    rows = (
        facts(scope)
        .annotate(h=TruncHour("cycle_start"))
        .values_list("h")
        .annotate(c=Count("id"), a=Count("id", filter=Q(seconds__isnull=False)))
        .values_list("h", "c", "a")
    )
    for hour, cycles, answered in rows:
        position = index.get(scope.bucket(hour))
        if position is not None:
            out["cycles"][position] += cycles
            out["answered"][position] += answered
    return out


def participants(scope: Scope) -> dict[str, int]:
    """Active people in the period, how many wrote for the first time ever, how many came back."""
    days = ParticipantDay.objects.filter(
        brand=scope.brand, day__gte=scope.period.first_day, day__lt=scope.period.end_day
    )
    if scope.channel_id is not None:
        days = days.filter(channel_id=scope.channel_id)
    first_timers = Participant.objects.filter(
        brand=scope.brand, first_day__gte=scope.period.first_day, first_day__lt=scope.period.end_day
    ).values("key")
    active = days.values("key").distinct().count()
    new = days.filter(key__in=first_timers).values("key").distinct().count()
    return {"active": active, "new": new, "returning": active - new}


def reach_by_channel(scope: Scope) -> dict[int, int]:
    days = ParticipantDay.objects.filter(
        brand=scope.brand, day__gte=scope.period.first_day, day__lt=scope.period.end_day
    )
    rows = (
        days.values_list("channel_id").annotate(n=Count("key", distinct=True)).values_list("channel_id", "n")
    )
    return dict(rows)


def by_channel(scope: Scope) -> dict[int, dict[str, int]]:
    """Incoming, answers, conversations and reach per channel (the channel filter does not apply)."""
    unfiltered = Scope(brand=scope.brand, period=scope.period)
    out: dict[int, dict[str, int]] = defaultdict(lambda: {"in": 0, "out": 0, "conversations": 0, "reach": 0})
    for channel, metric, n in (
        hourly(unfiltered, ["in", "out", "conversations"])
        .filter(~Q(metric="out") | Q(key="human"))
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
