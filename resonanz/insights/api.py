"""Insights endpoints of the REST API (agents of a brand and above): KPIs with definitions, chart series.

Mounted with ``api.add_router("/", router)``.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from resonanz.accounts.models import Brand
from resonanz.accounts.selectors import get_brand
from resonanz.community.api import NOT_FOUND, TEXT_PATTERN, BrandSlug, ErrorOut, ValidationErrorOut, viewer_of
from resonanz.insights.charts import BUILDERS
from resonanz.insights.evaluation import KpiFigure, evaluate_kpis, headline
from resonanz.insights.model_health import get_model_health
from resonanz.insights.permissions import check_reader
from resonanz.insights.scope import Scope, last_days, scope_for
from resonanz.moderation.periods import PERIOD_PATTERN

router = Router(tags=["insights"])
READ_ERRORS: dict[int | frozenset[int], Any] = {
    **NOT_FOUND,
    403: ErrorOut,
    422: ErrorOut | ValidationErrorOut,
}
ChartName = Literal[
    "sentiment",
    "criticism",
    "response_rate",
    "response_time",
    "response_trend",
    "topics",
    "channels",
    "participants",
    "moderation",
]


class FilterIn(Schema):
    period: Annotated[
        str | None,
        Field(
            None,
            pattern=PERIOD_PATTERN,
            max_length=30,
            description="2026-10, 2026-Q4, 2026 or 2026-10-01..2026-10-15; "
            "default: the last 30 days (brand's time zone)",
        ),
    ] = None
    channel: Annotated[int | None, Field(None, ge=1, le=2**63 - 1)] = None
    topic: Annotated[str, Field("", max_length=100, pattern=TEXT_PATTERN)] = ""


class KpiOut(Schema):
    metric: str
    label: str
    unit: str
    definition: str
    value: float | None
    previous: float | None
    trend: str | None
    approximate: bool = False
    target: float | None = None
    on_track: bool | None = None
    previous_on_track: bool | None = None
    name: str = ""
    period: str = ""
    previous_period: str = ""
    kpi_id: int | None = None


class PeriodOut(Schema):
    label: str
    start: str
    end: str
    time_zone: str


class KpisOut(Schema):
    brand: str
    period: PeriodOut
    kpis: list[KpiOut]


class DatasetOut(Schema):
    key: str
    label: str
    data: list[float | None]
    drawn: bool


class SeriesOut(Schema):
    chart: str
    title: str
    type: str
    definition: str
    period: PeriodOut
    labels: list[str]
    datasets: list[DatasetOut]


def _kpi(figure: KpiFigure) -> dict[str, Any]:
    return {
        "metric": figure.metric,
        "label": str(figure.label),
        "unit": figure.unit,
        "definition": str(figure.definition),
        "value": figure.value,
        "previous": figure.previous,
        "trend": figure.trend,
        "approximate": figure.approximate,
        "target": figure.target,
        "on_track": figure.on_track,
        "previous_on_track": figure.previous_on_track,
        "name": figure.name,
        "period": figure.period_label,
        "previous_period": figure.previous_label,
        "kpi_id": figure.kpi_id,
    }


def _scope(request: HttpRequest, brand_slug: str, filters: FilterIn) -> Scope:
    brand: Brand = get_brand(brand_slug)
    check_reader(viewer_of(request), brand)
    label = filters.period or last_days(brand, 30)
    return scope_for(brand, label, channel_id=filters.channel, topic=filters.topic)


def _period(scope: Scope) -> dict[str, str]:
    return {
        "label": scope.period.label,
        "start": scope.start.isoformat(),
        "end": scope.end.isoformat(),
        "time_zone": scope.period.tz,
    }


@router.get("/brands/{brand_slug}/insights/kpis", response={200: KpisOut, **READ_ERRORS})
def kpis(request: HttpRequest, brand_slug: BrandSlug, filters: Query[FilterIn]) -> Any:
    """The headline KPIs for a period (with the period before for the trend) and their formal definitions."""
    scope = _scope(request, brand_slug, filters)
    return {"brand": scope.brand.slug, "period": _period(scope), "kpis": [_kpi(f) for f in headline(scope)]}


@router.get("/brands/{brand_slug}/insights/strategy-kpis", response={200: list[KpiOut], **READ_ERRORS})
def strategy_kpis(request: HttpRequest, brand_slug: BrandSlug) -> Any:
    """The brand's strategy KPIs over their current period: value, trend, target and whether on track."""
    brand = get_brand(brand_slug)
    check_reader(viewer_of(request), brand)
    return [_kpi(f) for f in evaluate_kpis(brand)]


@router.get("/brands/{brand_slug}/insights/series/{chart}", response={200: SeriesOut, **READ_ERRORS})
def series(request: HttpRequest, brand_slug: BrandSlug, chart: ChartName, filters: Query[FilterIn]) -> Any:
    """The numbers behind one dashboard chart (per local day, or per week for periods over 92 days)."""
    scope = _scope(request, brand_slug, filters)
    built = BUILDERS[chart](scope)
    return {
        "chart": chart,
        "title": built.title,
        "type": built.kind,
        "period": _period(scope),
        "labels": built.labels,
        "definition": str(built.definition),
        "datasets": [
            {"key": d["key"], "label": d["label"], "data": d["data"], "drawn": not d["table_only"]}
            for d in built.datasets
        ],
    }


class HealthWarningOut(Schema):
    code: str = Field(..., description="neutral, uncertain, abuse or agreement")
    message: str


class HealthWeekOut(Schema):
    start: str = Field(..., description="Monday of the week (brand's local time)")
    posts: int
    mix: dict[str, int] = Field(..., description="labelled incoming posts by sentiment, uncertain included")
    abuse: int
    uncertain: int = Field(..., description="posts with any head abstained (sentiment, abuse, criticism)")
    judged: int = Field(..., description="corrections and confirmations made by the team this week")
    agreed: int
    agreement: float | None = Field(..., description="percent of checked labels the team left unchanged")
    warnings: list[HealthWarningOut]


class ModelHealthOut(Schema):
    brand: str
    weeks: list[HealthWeekOut]


@router.get("/brands/{brand_slug}/insights/model-health", response={200: ModelHealthOut, **READ_ERRORS})
def model_health(
    request: HttpRequest, brand_slug: BrandSlug, weeks: Annotated[int, Query(ge=1, le=52)] = 12
) -> Any:
    """Agreement with the team's corrections and the label mix per week, with drift warnings (managers+)."""
    health = get_model_health(get_brand(brand_slug), viewer=viewer_of(request), weeks=weeks)
    return {
        "brand": health.brand.slug,
        "weeks": [
            {
                "start": week.start.isoformat(),
                "posts": week.posts,
                "mix": week.mix,
                "abuse": week.abuse,
                "uncertain": week.uncertain,
                "judged": week.judged,
                "agreed": week.agreed,
                "agreement": week.agreement,
                "warnings": [{"code": w.code, "message": str(w.message)} for w in week.warnings],
            }
            for week in health.weeks
        ],
    }
