"""Insights data: the brand's strategy (goals, target groups, KPIs), its settings, and the rollups."""

from resonanz.insights.models.rollups import (
    HourlyCount,
    Participant,
    ParticipantDay,
    ResponseFact,
    RollupCursor,
    WindowCount,
)
from resonanz.insights.models.strategy import (
    KPI,
    Goal,
    InsightsSettings,
    KpiPeriod,
    Metric,
    ReportDelivery,
    ReportFrequency,
    TargetGroup,
)

__all__ = [
    "KPI",
    "Goal",
    "HourlyCount",
    "InsightsSettings",
    "KpiPeriod",
    "Metric",
    "Participant",
    "ParticipantDay",
    "ReportDelivery",
    "ReportFrequency",
    "ResponseFact",
    "RollupCursor",
    "TargetGroup",
    "WindowCount",
]
