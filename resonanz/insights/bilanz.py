"""The Dialog-Bilanz: the brand's public proof that it listens (response KPIs and moderation numbers)."""

from __future__ import annotations

from typing import Any

from resonanz.accounts.models import Brand
from resonanz.insights.brand_settings import settings_for
from resonanz.insights.evaluation import Calculator
from resonanz.insights.kpis import CYCLE_DEFINITION, DEFINITIONS
from resonanz.insights.moderation_figures import moderation_summary
from resonanz.insights.scope import last_days, scope_for

PUBLIC_METRICS = ("response_rate", "median_first_response", "criticism_answered", "turnaround")
WINDOW_DAYS = 90


def build_bilanz(brand: Brand) -> dict[str, Any]:
    """The last 90 local days; only aggregate numbers, nothing about individual people or posts."""
    scope = scope_for(brand, last_days(brand, WINDOW_DAYS))
    calculator = Calculator(scope, business=settings_for(brand).business_hours)
    kpis = [
        {
            "metric": metric,
            "label": DEFINITIONS[metric].label,
            "unit": DEFINITIONS[metric].unit,
            "value": calculator.value(metric),
            "definition": DEFINITIONS[metric].definition,
        }
        for metric in PUBLIC_METRICS
    ]
    return {
        "period": scope.period,
        "days": WINDOW_DAYS,
        "kpis": kpis,
        "cycles": calculator.counts.get("cycle.all", 0),
        "cycle_definition": CYCLE_DEFINITION,
        "moderation": moderation_summary(brand, scope.period),
    }
