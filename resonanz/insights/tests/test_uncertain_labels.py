"""Uncertain labels on the read side: expected negatives in the crisis windows, the uncertain KPIs, and
the model health page (agreement with the team, label mix, drift warnings)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse

from resonanz.alerts import detection
from resonanz.classify.models import LabelCorrection
from resonanz.core.errors import NotAllowed
from resonanz.insights import rollup
from resonanz.insights.evaluation import headline
from resonanz.insights.model_health import get_model_health
from resonanz.insights.models import WindowCount
from resonanz.insights.scope import scope_for
from resonanz.insights.tests import factories as f

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 10, 20, 12, 5, tzinfo=UTC)  # a Tuesday


def _unsure(p_negative: float) -> dict:
    return {
        "sentiment_scores": {"negative": p_negative, "neutral": 1 - p_negative, "positive": 0.0},
        "uncertain": ["sentiment"],
    }


def test_windows_count_negatives_by_expected_value(brand):
    chan = f.channel(brand)
    moment = f.at(5, 8)
    conv = f.conversation(chan, moment)
    f.customer(conv, moment, sentiment="negative")  # stored before the contract: counts 1
    f.customer(conv, moment, sentiment="uncertain", **_unsure(0.45))
    f.customer(
        conv, moment, sentiment="negative",
        sentiment_scores={"negative": 0.8, "neutral": 0.15, "positive": 0.05}, uncertain=[],
    )  # fmt: skip
    f.customer(conv, moment, sentiment="neutral")
    rollup.consume_all()
    window = WindowCount.objects.get(brand=brand)
    assert (window.total, window.negative, window.negative_expected_milli) == (4, 2, 2250)


def test_uncertain_kpis_count_the_posts_the_model_abstained_on(brand, agent):
    chan = f.channel(brand)
    conv = f.conversation(chan, f.at(5, 8))
    f.customer(conv, f.at(5, 8), sentiment="uncertain", **_unsure(0.5))
    f.customer(conv, f.at(5, 9), sentiment="negative", uncertain=["abuse"])  # sentiment sure, abuse not
    f.customer(conv, f.at(5, 10), sentiment="positive", uncertain=[])
    f.customer(conv, f.at(5, 11), sentiment="neutral")
    rollup.consume_all()
    figures = {k.metric: k.value for k in headline(scope_for(brand, "2026-10"))}
    assert figures["uncertain_posts"] == 2.0 and figures["uncertain_share"] == 50.0
    assert figures["positive_share"] == pytest.approx(33.3, abs=0.1)  # of the three with a sentiment
    by_topic = {k.metric: k.value for k in headline(scope_for(brand, "2026-10", topic="app"))}
    assert by_topic["uncertain_posts"] is None  # not counted per topic: no figure rather than a wrong 0


def test_kpi_api_reports_the_uncertain_figures(client, brand, agent):
    chan = f.channel(brand)
    conv = f.conversation(chan, f.at(5, 8))
    f.customer(conv, f.at(5, 8), sentiment="uncertain", **_unsure(0.3))
    rollup.consume_all()
    client.force_login(agent)
    kpis = client.get(f"/api/brands/{brand.slug}/insights/kpis", {"period": "2026-10"}).json()["kpis"]
    found = {k["metric"]: k for k in kpis}
    assert found["uncertain_posts"]["value"] == 1.0 and found["uncertain_share"]["value"] == 100.0
    assert found["uncertain_posts"]["definition"] and found["uncertain_share"]["unit"] == "percent"


def _history(chan) -> None:
    moment = NOW - timedelta(weeks=3)
    n = 0
    while moment < NOW - timedelta(hours=3):
        conv = f.conversation(chan, moment)
        f.customer(conv, moment, sentiment="negative", topics=["punctuality"], handle=f"h{n % 40}")
        moment += timedelta(hours=1)
        n += 1


def _surge_of_unsure_posts(chan, p_negative: float) -> None:
    for window in (NOW - timedelta(minutes=35), NOW - timedelta(minutes=20)):
        for n in range(12):
            when = window + timedelta(minutes=n % 14)
            conv = f.conversation(chan, when)
            f.customer(
                conv, when, sentiment="uncertain", topics=["app"], handle=f"s{n}", **_unsure(p_negative)
            )


def test_a_surge_of_posts_the_model_is_unsure_about_still_raises_the_alarm(brand):
    chan = f.channel(brand)
    _history(chan)
    _surge_of_unsure_posts(chan, 0.85)  # no post is labelled negative, ~20 negatives expected
    rollup.consume_all()
    surge = detection.find_surge(brand, now=NOW)
    assert surge is not None and surge.detection.observed == pytest.approx(10.2, abs=0.01)
    assert surge.topics and surge.topics[0]["topic"] == "app" and surge.examples


def test_unsure_posts_that_are_probably_not_negative_raise_nothing(brand):
    chan = f.channel(brand)
    _history(chan)
    _surge_of_unsure_posts(chan, 0.05)
    rollup.consume_all()
    assert detection.find_surge(brand, now=NOW) is None


# --- model health ------------------------------------------------------------------------------------
def _week(chan, monday: datetime, mix: dict[str, int], *, abuse: int = 0, unsure: int = 0) -> None:
    conv = f.conversation(chan, monday)
    n = 0
    for sentiment, count in mix.items():
        for _ in range(count):
            extra = {"uncertain": ["abuse"]} if n < unsure else {}
            f.customer(conv, monday + timedelta(minutes=n), sentiment=sentiment, abuse=n < abuse, **extra)
            n += 1


def _judge(brand, when: datetime, agreed: int, changed: int) -> None:
    for n in range(agreed + changed):
        c = LabelCorrection.objects.create(
            brand=brand, task="sentiment", text=f"t{n}", label="negative",
            previous_label="negative" if n < agreed else "neutral",
        )  # fmt: skip
        LabelCorrection.objects.filter(pk=c.pk).update(created_at=when)


def test_model_health_shows_agreement_mix_and_drift_warnings(brand, manager):
    chan = f.channel(brand)
    first, second = datetime(2026, 10, 5, 9, tzinfo=UTC), datetime(2026, 10, 12, 9, tzinfo=UTC)
    _week(chan, first, {"negative": 10, "neutral": 20, "positive": 10}, abuse=2)
    _week(chan, second, {"negative": 1, "neutral": 95, "positive": 1, "uncertain": 3}, abuse=12, unsure=40)
    rollup.consume_all()
    _judge(brand, first + timedelta(days=1), agreed=9, changed=1)
    _judge(brand, second + timedelta(days=1), agreed=4, changed=8)
    health = get_model_health(brand, viewer=manager, weeks=3, now=datetime(2026, 10, 14, 12, tzinfo=UTC))
    weeks = {w.start.isoformat(): w for w in health.weeks}
    assert list(weeks) == ["2026-09-28", "2026-10-05", "2026-10-12"]
    one, two = weeks["2026-10-05"], weeks["2026-10-12"]
    assert (one.posts, one.mix["neutral"], one.abuse, one.judged, one.agreement) == (40, 20, 2, 10, 90.0)
    assert (two.posts, two.mix["uncertain"], two.uncertain, two.agreement) == (100, 3, 40 + 3, 33.3)
    assert not one.warnings
    assert {w.code for w in two.warnings} == {"neutral", "uncertain", "abuse", "agreement"}
    assert next(w.code for _week, w in health.warnings) == "neutral"


def test_model_health_is_for_managers_page_and_api(client, brand, agent, manager):
    with pytest.raises(NotAllowed):
        get_model_health(brand, viewer=agent)
    chan = f.channel(brand)
    today = datetime.now(UTC)
    _week(chan, today - timedelta(days=today.weekday()), {"neutral": 30})
    rollup.consume_all()
    client.force_login(agent)
    assert client.get(reverse("insights:model_health", args=[brand.slug])).status_code == 403
    assert client.get(f"/api/brands/{brand.slug}/insights/model-health").status_code == 403
    client.force_login(manager)
    page = client.get(reverse("insights:model_health", args=[brand.slug]))
    assert page.status_code == 200 and "Modellgesundheit" in page.content.decode()
    assert 'data-code="neutral"' in page.content.decode()
    data = client.get(f"/api/brands/{brand.slug}/insights/model-health", {"weeks": 2}).json()
    assert len(data["weeks"]) == 2 and data["weeks"][-1]["mix"]["neutral"] == 30
    assert data["weeks"][-1]["warnings"][0]["code"] == "neutral"
    assert client.get(f"/api/brands/{brand.slug}/insights/model-health", {"weeks": 99}).status_code == 422


@pytest.mark.django_db(transaction=True)
def test_the_migration_keeps_the_crisis_history_of_existing_windows(brand):
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    before = [("insights", "0003_covering_fact_indexes")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    old = executor.loader.project_state(before).apps.get_model("insights", "WindowCount")
    old.objects.create(brand_id=brand.pk, start=NOW, total=5, negative=3)
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    assert WindowCount.objects.get(brand=brand).negative_expected_milli == 3000
