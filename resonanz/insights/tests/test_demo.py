"""The demo strategy and crisis history: a German strategy with KPIs the dashboard can follow, a past
alert the detector really found in the demo data, and second runs that change nothing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from resonanz.alerts.demo import seed_demo as seed_alerts
from resonanz.alerts.models import Alert, AlertSettings, HoldingStatement
from resonanz.inbox.demo import seed_demo as seed_inbox
from resonanz.inbox.models import Message
from resonanz.insights.demo import seed_demo as seed_insights
from resonanz.insights.evaluation import evaluate_kpis
from resonanz.insights.models import KPI, DailyCount, Goal, InsightsSettings, TargetGroup

pytestmark = pytest.mark.django_db
NOW = datetime.now(UTC) + timedelta(minutes=5)


@pytest.fixture
def demo_inbox(brand, agent, manager):
    seed_inbox(brand, now=NOW)
    return brand


def test_strategy_settings_and_rollups_of_the_demo_brand(demo_inbox, manager):
    counts = seed_insights(demo_inbox, now=NOW)
    assert counts["target_groups"] == 3 and counts["goals"] == 3 and counts["kpis"] == 6
    assert TargetGroup.objects.filter(brand=demo_inbox, name="Pendlerinnen und Pendler").exists()
    goal = Goal.objects.get(brand=demo_inbox, title="Kritik ernst nehmen und schnell beantworten")
    assert goal.target_groups.count() == 2 and goal.channels.exists() and goal.kpis.count() == 3
    within = KPI.objects.get(brand=demo_inbox, metric="criticism_answered_within")
    assert (within.target, within.threshold_minutes) == (90.0, 120)
    assert InsightsSettings.objects.get(brand=demo_inbox).public_bilanz
    # the rollups count the demo inbox, so the dashboard has figures right away
    incoming = sum(
        DailyCount.objects.filter(brand=demo_inbox, grain="d", metric="in").values_list("count", flat=True)
    )
    assert incoming == Message.objects.filter(conversation__brand=demo_inbox, direction="in").count() > 0
    figures = evaluate_kpis(demo_inbox)
    assert len(figures) == 6 and all(f.definition and f.target is not None for f in figures)
    assert any(f.value is not None or f.previous is not None for f in figures)
    again = seed_insights(demo_inbox, now=NOW)
    assert again == dict.fromkeys(again, 0)


def test_past_alert_is_a_real_detection_with_a_post_mortem(demo_inbox, manager):
    seed_insights(demo_inbox, now=NOW)
    counts = seed_alerts(demo_inbox, now=NOW)
    assert counts["alerts"] == 1 and counts["surge_posts"] == 16 and counts["holding_statements"] == 2
    alert = Alert.objects.get(brand=demo_inbox)
    assert alert.status == Alert.Status.RESOLVED and alert.resolved_by == manager
    assert alert.observed >= 6 and alert.p_value < 1e-6  # what the detector found, not a made-up number
    assert alert.driving_topics and 1 <= len(alert.example_message_ids) <= 5
    assert alert.window_end < alert.opened_at < alert.acknowledged_at < alert.resolved_at < NOW
    assert [e.kind for e in alert.events.all()] == ["opened", "acknowledged", "resolved"]
    pm = alert.postmortem
    assert pm["responses"]["cycles"] >= 12 and pm["responses"]["answered"] >= 4 and pm["volumes"]
    assert "Signalstörung" in alert.resolution and alert.postmortem_html
    assert list(AlertSettings.objects.get(brand=demo_inbox).escalate_to.all()) == [manager]
    assert HoldingStatement.objects.filter(brand=demo_inbox, title="Störung – wir sind dran").exists()  # noqa: RUF001
    again = seed_alerts(demo_inbox, now=NOW)
    assert again == dict.fromkeys(again, 0) and Alert.objects.filter(brand=demo_inbox).count() == 1


def test_the_second_demo_brand_gets_a_small_strategy_and_no_alert(other_brand):
    assert seed_insights(other_brand, now=NOW)["kpis"] == 2
    assert seed_alerts(other_brand, now=NOW)["alerts"] == 0
