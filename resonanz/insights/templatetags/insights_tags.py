"""Template filters of the insights pages: KPI values with their unit, trend arrows."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import gettext as _

from resonanz.insights.reports import format_value

register = template.Library()


@register.filter
def kpi_value(figure: Any) -> str:
    return format_value(figure)


@register.filter
def kpi_previous(figure: Any) -> str:
    return format_value({"value": figure.previous, "unit": figure.unit})


@register.filter
def kpi_target(figure: Any) -> str:
    return format_value(
        {
            "value": figure.target if not isinstance(figure, dict) else figure["target"],
            "unit": figure.unit if not isinstance(figure, dict) else figure["unit"],
        }
    )


@register.filter
def trend_arrow(direction: str | None) -> str:
    return {"up": "▲", "down": "▼", "flat": "■"}.get(direction or "", "")


@register.filter
def trend_text(direction: str | None) -> str:
    return {
        "up": _("higher than the period before"),
        "down": _("lower than the period before"),
        "flat": _("same as the period before"),
    }.get(direction or "", _("no comparison"))
