"""Current value, trend and on-track state of KPIs: the KPI cards of dashboards, strategy and reports."""

from __future__ import annotations

import zoneinfo
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import Any

from django.utils.functional import Promise

from resonanz.accounts.models import Brand
from resonanz.insights import figures, response
from resonanz.insights.brand_settings import settings_for
from resonanz.insights.kpis import DEFINITIONS, Trend, on_track, rate, trend, trend_is_good
from resonanz.insights.models import KPI, KpiPeriod
from resonanz.insights.scope import Scope, scope_for

HEADLINE = (
    "response_rate",
    "median_first_response",
    "p90_first_response",
    "criticism_answered",
    "turnaround",
    "positive_share",
    "uncertain_posts",
    "uncertain_share",
    "new_participants",
    "returning_share",
)


@dataclass(frozen=True)
class KpiFigure:
    metric: str
    label: str | Promise
    unit: str
    definition: str | Promise
    value: float | None
    previous: float | None
    trend: Trend | None
    trend_good: bool | None
    approximate: bool = False  # shown with "≈" (see response.py and sketches.py)
    target: float | None = None
    on_track: bool | None = None
    previous_on_track: bool | None = None
    name: str = ""
    period_label: str = ""
    previous_label: str = ""
    kpi_id: int | None = None


def _minutes(seconds: float | None) -> float | None:
    return None if seconds is None else round(seconds / 60, 1)


class Calculator:
    """Metric values of one scope; each source is queried once and only when a metric needs it."""

    def __init__(self, scope: Scope, *, business: bool, within_seconds: int | None = None) -> None:
        self.scope, self.business, self.within_seconds = scope, business, within_seconds
        self.approximate: set[str] = set()  # the metrics whose value is an estimate
        self._counts: dict[str, int] | None = None
        self._hist: dict[int, int] | None = None
        self._sentiments: dict[str, int] | None = None
        self._people: dict[str, Any] | None = None

    @property
    def counts(self) -> dict[str, int]:
        if self._counts is None:
            self._counts = response.cycle_counts(self.scope)
        return self._counts

    def _quantile(self, metric: str, q: float) -> float | None:
        if self._hist is None:
            self._hist = response.histogram(self.scope)
        value, approximate = response.quantile(self.scope, response.Measure.of(self.business), self._hist, q)
        if approximate:
            self.approximate.add(metric)
        return _minutes(value)

    def _in_time(self, metric: str) -> float | None:
        if self.within_seconds is None:
            return None
        found, approximate = response.criticism_within(
            self.scope, business=self.business, within_seconds=self.within_seconds
        )
        if approximate:
            self.approximate.add(metric)
        return rate(found, self.counts.get("cycle.criticism", 0))

    def _share(self, part: str, whole: str) -> float | None:
        return rate(self.counts.get(part, 0), self.counts.get(whole, 0))

    def _uncertain(self, metric: str) -> float | None:
        """Counted per brand and channel, not per topic: a topic view has no figure (None, not 0)."""
        if self.scope.topic:
            return None
        unsure = figures.uncertain_total(self.scope)
        if metric == "uncertain_posts":
            return float(unsure)
        if self._sentiments is None:
            self._sentiments = figures.sentiment_totals(self.scope)
        labelled = sum(n for s, n in self._sentiments.items() if s != "unlabelled")
        return rate(unsure, labelled)

    def value(self, metric: str) -> float | None:
        if metric == "response_rate":
            return self._share("cycle.answered", "cycle.all")
        if metric == "criticism_answered":
            return self._share("cycle.criticism_answered", "cycle.criticism")
        if metric == "turnaround":
            return self._share("cycle.improved", "cycle.judged")
        if metric == "median_first_response":
            return self._quantile(metric, 0.5)
        if metric == "p90_first_response":
            return self._quantile(metric, 0.9)
        if metric == "criticism_answered_within":
            return self._in_time(metric)
        if metric in ("positive_share", "negative_share"):
            if self._sentiments is None:
                self._sentiments = figures.sentiment_totals(self.scope)
            classified = sum(n for s, n in self._sentiments.items() if s in figures.SENTIMENTS)
            return rate(self._sentiments.get(metric.removesuffix("_share"), 0), classified)
        if metric in ("uncertain_posts", "uncertain_share"):
            return self._uncertain(metric)
        if self._people is None:
            self._people = figures.participants(self.scope)
        if not self._people["exact"]:
            self.approximate.add(metric)
        if metric == "new_participants":
            return float(self._people["new"])
        return rate(self._people["returning"], self._people["active"])


def _figure(metric: str, now: Calculator, before: Calculator, **extra: Any) -> KpiFigure:
    definition = DEFINITIONS[metric]
    value, previous = now.value(metric), before.value(metric)
    direction = trend(value, previous)
    return KpiFigure(
        metric=metric,
        label=definition.label,
        unit=definition.unit,
        definition=definition.definition,
        value=value,
        previous=previous,
        trend=direction,
        trend_good=trend_is_good(metric, direction),
        approximate=metric in now.approximate,
        **extra,
    )


def headline(scope: Scope) -> list[KpiFigure]:
    """The standard KPI cards of a dashboard, each with its trend against the period before."""
    business = settings_for(scope.brand).business_hours
    now, before = Calculator(scope, business=business), Calculator(scope.previous(), business=business)
    return [_figure(metric, now, before) for metric in HEADLINE]


def period_label(kind: str, day: date) -> str:
    """The label of the calendar period of ``kind`` that contains ``day``."""
    if kind == KpiPeriod.WEEK:
        monday = day - timedelta(days=day.weekday())
        return f"{monday.isoformat()}..{(monday + timedelta(days=6)).isoformat()}"
    if kind == KpiPeriod.QUARTER:
        return f"{day.year}-Q{(day.month - 1) // 3 + 1}"
    if kind == KpiPeriod.YEAR:
        return str(day.year)
    return f"{day.year}-{day.month:02d}"


def evaluate_kpi(kpi: KPI, *, today: date | None = None) -> KpiFigure:
    """The KPI over its current calendar period (in the brand's time zone), against the previous one."""
    brand: Brand = kpi.brand
    today = today or datetime.now(zoneinfo.ZoneInfo(brand.timezone)).date()
    scope = scope_for(brand, period_label(kpi.period, today), channel_id=kpi.channel_id, topic=kpi.topic)
    previous = replace(
        scope,
        period=scope_for(brand, period_label(kpi.period, scope.period.first_day - timedelta(days=1))).period,
    )
    business = settings_for(brand).business_hours
    within = kpi.threshold_minutes * 60 if kpi.threshold_minutes else None
    now = Calculator(scope, business=business, within_seconds=within)
    before = Calculator(previous, business=business, within_seconds=within)
    figure = _figure(
        kpi.metric,
        now,
        before,
        target=kpi.target,
        name=kpi.name,
        period_label=scope.period.label,
        previous_label=previous.period.label,
        kpi_id=kpi.pk,
    )
    return replace(
        figure,
        on_track=on_track(kpi.metric, figure.value, kpi.target),
        previous_on_track=on_track(kpi.metric, figure.previous, kpi.target),
    )


def evaluate_kpis(brand: Brand, *, today: date | None = None) -> list[KpiFigure]:
    kpis = KPI.objects.filter(brand=brand).select_related("brand", "goal", "channel")
    return [evaluate_kpi(kpi, today=today) for kpi in kpis]
