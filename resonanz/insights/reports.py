"""The periodic report of a brand: figures gathered once, rendered as HTML (template) or PDF (pdf.py)."""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from resonanz.accounts.models import Brand
from resonanz.insights import figures
from resonanz.insights.brand_settings import settings_for
from resonanz.insights.charts import channels_chart, topic_label
from resonanz.insights.evaluation import Calculator, KpiFigure, headline
from resonanz.insights.kpis import DEFINITIONS, on_track
from resonanz.insights.models import KPI
from resonanz.insights.moderation_figures import moderation_summary
from resonanz.insights.response import response_distribution
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


def _volume(scope: Scope) -> list[tuple[str, int]]:
    sentiments = figures.sentiment_totals(scope)
    flags = figures.totals(scope, ["criticism", "abuse"], by="metric")
    return [
        (_("incoming posts"), sum(sentiments.values())),
        (_("positive"), sentiments.get("positive", 0)),
        (_("neutral"), sentiments.get("neutral", 0)),
        (_("negative"), sentiments.get("negative", 0)),
        (_("not classified"), sentiments.get("unlabelled", 0)),
        (_("criticism (protected)"), flags.get("criticism", 0)),
        (_("abuse"), flags.get("abuse", 0)),
    ]


def _alerts(scope: Scope) -> list[dict[str, Any]]:
    """The crisis alerts opened in the period. The alerts app reads insights, not the other way round: its
    model is looked up by name, so insights works without it and no import cycle arises."""
    from django.apps import apps

    if not apps.is_installed("resonanz.alerts"):
        return []
    alert_model = apps.get_model("alerts", "Alert")
    rows = alert_model.objects.filter(brand=scope.brand, opened_at__gte=scope.start, opened_at__lt=scope.end)
    return [
        {
            "id": a.pk,
            "opened_at": a.opened_at,
            "status": a.get_status_display(),
            "observed": a.observed,
            "expected": a.expected,
            "topics": ", ".join(str(t["topic"]).replace("_", " ") for t in a.driving_topics),
            "crisis": hasattr(a, "crisis"),
        }
        for a in rows.select_related("crisis").order_by("opened_at")
    ]


def build_report(brand: Brand, period_label: str) -> dict[str, Any]:
    scope = scope_for(brand, period_label)
    business = settings_for(brand).business_hours
    channels = channels_chart(scope)
    return {
        "brand": brand,
        "period": scope.period,
        "generated_at": timezone.now(),
        "business_hours": business,
        "kpis": headline(scope),
        "strategy": _strategy(scope, business),
        "volume": _volume(scope),
        "topics": [dict(t, topic=topic_label(t["topic"])) for t in figures.top_topics(scope)],
        "response_times": response_distribution(scope),
        "channels": {"headers": channels.headers, "rows": channels.rows},
        "participants": figures.participants(scope),
        "moderation": moderation_summary(brand, scope.period),
        "alerts": _alerts(scope),
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
