"""Response figures from the rollups: cycle counts, exact quantiles, in-time shares, distributions.

Counts come from the daily cycle metrics; a quantile is located in the response-time histogram
(``ResponseBin``) and its exact value read from the few ``ResponseFact`` rows of that one class. Only
when a class holds more than ``REFINE_LIMIT`` cycles of the period (the largest brands over long
periods) is the value interpolated inside the class instead, and the figure is marked approximate.
With a channel or topic filter the read still walks the brand's whole class (the index cannot filter
topics), so the brand-wide size of the class decides.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet, Sum

from resonanz.insights.cycles import EDGES, bin_bounds, bin_of
from resonanz.insights.figures import series, totals
from resonanz.insights.kpis import ResponseFigures, quantile_ranks
from resonanz.insights.models import Grain, ResponseBin, ResponseFact
from resonanz.insights.scope import Scope

REFINE_LIMIT = 10_000  # raw facts a quantile may read from one class (brand-wide, see ``_scan_sizes``)
# Upper bounds (seconds) of the response-time distribution shown as a chart and table (all in EDGES).
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
CYCLE_METRICS = [
    "cycle.all",
    "cycle.answered",
    "cycle.criticism",
    "cycle.criticism_answered",
    "cycle.judged",
    "cycle.improved",
]


def facts(scope: Scope) -> QuerySet[ResponseFact]:
    rows = ResponseFact.objects.filter(
        brand=scope.brand, cycle_start__gte=scope.start, cycle_start__lt=scope.end
    )
    if scope.channel_id is not None:
        rows = rows.filter(channel_id=scope.channel_id)
    if scope.topic:
        rows = rows.filter(topics__contains=f"|{scope.topic}|")
    return rows


def histogram(scope: Scope, *, criticism: bool | None = None) -> dict[int, int]:
    """Answered cycles per response-time class over the period (criticism only, if asked)."""
    out: dict[int, int] = defaultdict(int)
    for grain, first, end in scope.units:
        rows = ResponseBin.objects.filter(
            brand=scope.brand, grain=grain, topic=scope.topic, day__gte=first, day__lt=end
        )
        if scope.channel_id is not None:
            rows = rows.filter(channel_id=scope.channel_id)
        if criticism is not None:
            rows = rows.filter(criticism=criticism)
        for index, n in rows.values_list("bin").annotate(n=Sum("count")).values_list("bin", "n"):
            out[index] += n
    return {index: n for index, n in sorted(out.items()) if n}


@dataclass(frozen=True)
class Measure:
    field: str
    bin_field: str

    @classmethod
    def of(cls, business: bool) -> Measure:
        return cls("business_seconds", "business_bin") if business else cls("seconds", "bin")


def _scan_sizes(scope: Scope, hist: dict[int, int]) -> dict[int, int]:
    """How many raw facts reading a class costs: the class of the scope, or of the whole brand if filtered."""
    if scope.channel_id is None and not scope.topic:
        return hist
    return histogram(Scope(brand=scope.brand, period=scope.period))


def _values(
    scope: Scope, measure: Measure, hist: dict[int, int], rank: int, count: int
) -> tuple[list[float], bool]:
    """The values at sorted positions rank … rank+count-1 of the answered cycles; (values, approximate)."""
    seen, approximate = 0, False
    values: list[float] = []
    sizes: dict[int, int] | None = None
    for index, n in hist.items():
        first = rank + len(values) - seen  # the first wanted position inside this class
        wanted = min(count - len(values), n - first) if first < n else 0
        if wanted > 0 and sizes is None:
            sizes = _scan_sizes(scope, hist)
        if wanted > 0 and max(n, (sizes or {}).get(index, 0)) > REFINE_LIMIT:
            lower, upper = bin_bounds(index)
            lower, upper = max(lower, 0.0), (upper if upper != float("inf") else 2 * lower)
            values += [lower + (first + k + 0.5) / n * (upper - lower) for k in range(wanted)]
            approximate = True
        elif wanted > 0:
            rows = (
                facts(scope)
                .filter(**{measure.bin_field: index, f"{measure.field}__isnull": False})
                .order_by(measure.field)
                .values_list(measure.field, flat=True)[first : first + wanted]
            )
            found = [float(v) for v in rows]
            if len(found) < wanted:  # the raw facts disagree with the rollup: fall back to the class
                lower, upper = bin_bounds(index)
                found += [max(lower, 0.0)] * (wanted - len(found))
                approximate = True
            values += found
        seen += n
        if len(values) >= count:
            break
    return values, approximate


def quantile(scope: Scope, measure: Measure, hist: dict[int, int], q: float) -> tuple[float | None, bool]:
    """Linear interpolation between closest ranks, like ``kpis.quantile``, over the histogram."""
    n = sum(hist.values())
    if n == 0:
        return None, False
    lower, weight = quantile_ranks(n, q)
    values, approximate = _values(scope, measure, hist, lower, 2 if lower + 1 < n else 1)
    low = values[0]
    high = values[1] if len(values) > 1 else low
    return low + weight * (high - low), approximate


def _within(scope: Scope, measure: Measure, hist: dict[int, int], limit: int) -> tuple[int, bool]:
    """How many cycles of the histogram were answered within ``limit`` seconds (inclusive)."""
    edge = bin_of(limit)
    assert edge is not None
    below = sum(n for index, n in hist.items() if index < edge)
    partial = hist.get(edge, 0)
    if not partial or (edge < len(EDGES) and EDGES[edge] == limit):
        return below + partial, False
    brand_wide = histogram(Scope(brand=scope.brand, period=scope.period))  # what reading the class walks
    if brand_wide.get(edge, 0) > REFINE_LIMIT:
        lower, upper = bin_bounds(edge)
        share = (limit - lower) / (upper - lower) if upper != float("inf") else 0.0
        return below + round(partial * share), True
    rows = facts(scope).filter(criticism=True, **{measure.bin_field: edge, f"{measure.field}__lte": limit})
    return below + rows.count(), False


def cycle_counts(scope: Scope) -> dict[str, int]:
    """cycle.all, cycle.answered, cycle.criticism, … over the period (missing: zero)."""
    return totals(scope, CYCLE_METRICS, key=scope.topic, by="metric")


def criticism_within(scope: Scope, *, business: bool, within_seconds: int) -> tuple[int, bool]:
    """Criticism cycles answered within the limit; (count, approximate)."""
    return _within(scope, Measure.of(business), histogram(scope, criticism=True), within_seconds)


def response(scope: Scope, *, business: bool = False, within_seconds: int | None = None) -> ResponseFigures:
    """All response figures of a scope at once (reports, post-mortems; the KPI cards use the parts)."""
    measure = Measure.of(business)
    counts = cycle_counts(scope)
    hist = histogram(scope)
    median, approx_median = quantile(scope, measure, hist, 0.5)
    p90, approx_p90 = quantile(scope, measure, hist, 0.9)
    in_time, approx_time = 0, False
    if within_seconds is not None:
        in_time, approx_time = criticism_within(scope, business=business, within_seconds=within_seconds)
    return ResponseFigures(
        cycles=counts.get("cycle.all", 0),
        answered=counts.get("cycle.answered", 0),
        median_seconds=median,
        p90_seconds=p90,
        criticism=counts.get("cycle.criticism", 0),
        criticism_answered=counts.get("cycle.criticism_answered", 0),
        criticism_in_time=in_time,
        turnaround_base=counts.get("cycle.judged", 0),
        turnaround_improved=counts.get("cycle.improved", 0),
        approximate=approx_median or approx_p90 or approx_time,
    )


def response_distribution(scope: Scope) -> list[tuple[str, int]]:
    """Answered cycles per display class (the class bounds are histogram edges: exact)."""
    hist = histogram(scope)
    out, lower = [], -1
    for upper, label in DISTRIBUTION:
        top = len(EDGES) if upper is None else EDGES.index(upper)
        out.append((label, sum(n for index, n in hist.items() if lower < index <= top)))
        lower = top
    return out


def response_rate_series(scope: Scope) -> dict[str, list[int]]:
    """Cycles, answered cycles, criticism cycles and answered criticism per local day (or week)."""
    raw = series(scope, CYCLE_METRICS[:4], key=scope.topic, by="metric")
    empty = [0] * len(scope.buckets)
    return {
        "cycles": raw.get("cycle.all", empty),
        "answered": raw.get("cycle.answered", empty),
        "criticism": raw.get("cycle.criticism", empty),
        "criticism_answered": raw.get("cycle.criticism_answered", empty),
    }


def response_time_series(scope: Scope) -> tuple[list[str], dict[str, list[float | None]]]:
    """Labels and median / 90th percentile (minutes) per local day — per month for periods over 92 days
    (read from the month rows) — interpolated inside the histogram classes: a trend line; the exact
    figures are the key figures."""
    per_bucket: dict[Any, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    units = scope.units if scope.weekly else [(Grain.DAY, scope.period.first_day, scope.period.end_day)]
    for grain, first, end in units:
        rows = ResponseBin.objects.filter(
            brand=scope.brand, grain=grain, topic=scope.topic, day__gte=first, day__lt=end
        )
        if scope.channel_id is not None:
            rows = rows.filter(channel_id=scope.channel_id)
        for day, index, n in (
            rows.values_list("day", "bin").annotate(n=Sum("count")).values_list("day", "bin", "n")
        ):
            per_bucket[day.replace(day=1) if scope.weekly else day][index] += n
    buckets = sorted({d.replace(day=1) for d in scope.days}) if scope.weekly else scope.days
    out: dict[str, list[float | None]] = {"median": [], "p90": []}
    for bucket in buckets:
        hist = dict(sorted(per_bucket.get(bucket, {}).items()))
        for name, q in (("median", 0.5), ("p90", 0.9)):
            out[name].append(_interpolated(hist, q))
    labels = [b.strftime("%Y-%m") if scope.weekly else b.isoformat() for b in buckets]
    return labels, out


def _interpolated(hist: dict[int, int], q: float) -> float | None:
    n = sum(hist.values())
    if not n:
        return None
    rank, seen = (n - 1) * q, 0
    for index, count in hist.items():
        if rank < seen + count:
            lower, upper = bin_bounds(index)
            lower = max(lower, 0.0)
            upper = upper if upper != float("inf") else lower * 2
            return round((lower + (rank - seen + 0.5) / count * (upper - lower)) / 60, 1)
        seen += count
    return None
