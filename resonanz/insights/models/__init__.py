"""Insights data: the brand's strategy (goals, target groups, KPIs), its settings, and the rollups."""

from resonanz.insights.models.rollups import (
    ANY_CHANNEL,
    DailyCount,
    Grain,
    Participant,
    ParticipantSketch,
    ResponseBin,
    ResponseFact,
    RollupCursor,
    RollupState,
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
    "ANY_CHANNEL",
    "KPI",
    "DailyCount",
    "Goal",
    "Grain",
    "InsightsSettings",
    "KpiPeriod",
    "Metric",
    "Participant",
    "ParticipantSketch",
    "ReportDelivery",
    "ReportFrequency",
    "ResponseBin",
    "ResponseFact",
    "RollupCursor",
    "RollupState",
    "TargetGroup",
    "WindowCount",
]
