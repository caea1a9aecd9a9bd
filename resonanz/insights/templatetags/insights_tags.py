"""Template filters of the insights pages: KPI values with their unit, trend arrows; the Bilanz link."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import gettext as _

from resonanz.insights.reports import format_value

register = template.Library()


@register.filter
def kpi_value(figure: Any) -> str:
    text = format_value(figure)
    approximate = (
        getattr(figure, "approximate", False) if not isinstance(figure, dict) else figure.get("approximate")
    )
    return f"≈ {text}" if approximate and text != "—" else text


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
def trend_text(figure: Any) -> str:
    """What the trend arrow means, or why there is none."""
    if figure.trend is None:
        if figure.value is None:
            return _("no data in this period yet")
        return _("no data for the period before")
    return {
        "up": _("higher than the period before"),
        "down": _("lower than the period before"),
        "flat": _("same as the period before"),
    }[figure.trend]


@register.filter
def topic(name: str) -> str:
    """A topic as people read it (the classifier's aspect names use underscores)."""
    return str(name).replace("_", " ")


@register.simple_tag
def bilanz_published(brand: Any) -> bool:
    """Whether the brand publishes its Dialog-Bilanz (for a link in public page footers)."""
    from resonanz.insights.brand_settings import settings_for

    return bool(brand) and settings_for(brand).public_bilanz
