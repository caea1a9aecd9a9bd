"""The periodic report of a brand: figures gathered once, rendered as HTML (template) or PDF (pdf.py)."""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from resonanz.accounts.models import Brand
from resonanz.insights import figures
from resonanz.insights.brand_settings import settings_for
from resonanz.insights.charts import channels_chart
from resonanz.insights.evaluation import Calculator, KpiFigure, headline
from resonanz.insights.kpis import DEFINITIONS, on_track
from resonanz.insights.models import KPI
from resonanz.insights.moderation_figures import moderation_summary
from resonanz.insights.scope import Scope, scope_for


def _strategy(scope: Scope, business: bool) -> list[dict[str, Any]]:
    """The brand's KPIs evaluated over the report's period (not their own recurring period)."""
    rows = []
    for kpi in KPI.objects.filter(brand=scope.brand).select_related("goal"):
        narrowed = Scope(brand=scope.brand, period=scope.period, channel_id=kpi.channel_id, topic=kpi.topic)
        within = kpi.threshold_minutes * 60 if kpi.threshold_minutes else None
        value = Calculator(narrowed, business=business, within_seconds=within).value(kpi.metric)
        rows.append(
            {
                "name": kpi.name,
                "goal": kpi.goal.title if kpi.goal else "",
                "unit": DEFINITIONS[kpi.metric].unit,
                "value": value,
                "target": kpi.target,
                "on_track": on_track(kpi.metric, value, kpi.target),
                "definition": DEFINITIONS[kpi.metric].definition,
            }
        )
    return rows


def build_report(brand: Brand, period_label: str) -> dict[str, Any]:
    scope = scope_for(brand, period_label)
    business = settings_for(brand).business_hours
    sentiments = figures.sentiment_totals(scope)
    channels = channels_chart(scope)
    return {
        "brand": brand,
        "period": scope.period,
        "generated_at": timezone.now(),
        "business_hours": business,
        "kpis": headline(scope),
        "strategy": _strategy(scope, business),
        "volume": {
            "total": sum(sentiments.values()),
            **{key: sentiments.get(key, 0) for key in ("positive", "neutral", "negative", "unlabelled")},
            **{k: sum(v) for k, v in figures.criticism_abuse_series(scope).items()},
        },
        "topics": figures.top_topics(scope),
        "channels": {"headers": channels.headers, "rows": channels.rows},
        "participants": figures.participants(scope),
        "moderation": moderation_summary(brand, scope.period),
    }


def render_html(report: dict[str, Any]) -> str:
    """A self-contained HTML document (own styles), for e-mail and the CLI."""
    return render_to_string("insights/report_document.html", {"report": report})


def format_value(figure: KpiFigure | dict[str, Any]) -> str:
    value = figure.value if isinstance(figure, KpiFigure) else figure["value"]
    unit = figure.unit if isinstance(figure, KpiFigure) else figure["unit"]
    if value is None:
        return "—"
    if unit == "percent":
        return f"{value:.1f} %"
    if unit == "minutes":
        return _("%(n)s min") % {"n": f"{value:.1f}"}
    return f"{value:.0f}"
