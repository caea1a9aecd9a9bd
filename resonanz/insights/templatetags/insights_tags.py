"""Template filters of the insights pages: KPI values with their unit, trend arrows; the Bilanz link."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from resonanz.insights.reports import format_value

register = template.Library()
NONE = "\u2013"  # an en dash for a missing value, as in the rest of the pages


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


@register.simple_tag
def chart_table(chart: Any) -> SafeString:
    """The numbers of a chart as an HTML table, built in Python: a year of days in nine charts is
    thousands of cells, too many for a template loop on every dashboard view."""
    head = format_html_join("", '<th scope="col">{}</th>', ((h,) for h in chart.headers))
    body = format_html_join(
        "",
        "<tr>{}</tr>",
        (
            (
                format_html(
                    '<th scope="row">{}</th>{}',
                    row[0],
                    format_html_join("", "<td>{}</td>", ((NONE if v is None else v,) for v in row[1:])),
                ),
            )
            for row in chart.rows
        ),
    )
    if not chart.rows:
        body = format_html('<tr><td colspan="{}">{}</td></tr>', len(chart.headers), _("No data."))
    return format_html(
        '<table><caption class="visually-hidden">{}</caption><thead><tr>{}</tr></thead>'
        "<tbody>{}</tbody></table>",
        chart.title,
        head,
        body,
    )


@register.filter
def topic(name: str) -> str:
    """A topic as people read it (the classifier's aspect names use underscores)."""
    return str(name).replace("_", " ")


@register.simple_tag
def bilanz_published(brand: Any) -> bool:
    """Whether the brand publishes its Dialog-Bilanz (for a link in public page footers)."""
    from resonanz.insights.brand_settings import settings_for

    return bool(brand) and settings_for(brand).public_bilanz
