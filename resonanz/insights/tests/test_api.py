"""Insights and alerts through the REST API: permissions, KPIs with definitions, series, alert actions."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from resonanz.accounts.services import create_api_token
from resonanz.alerts import services as alert_services
from resonanz.alerts.detector import Detection
from resonanz.insights import rollup
from resonanz.insights.tests import factories as f


def auth(user):
    token = create_api_token(user, name="test")
    return {"HTTP_AUTHORIZATION": f"Bearer {token[1]}"}


@pytest.fixture
def data(brand, agent):
    chan = f.channel(brand)
    conv = f.conversation(chan, f.at(5, 8))
    f.customer(conv, f.at(5, 8), sentiment="negative", criticism=True, topics=["punctuality"])
    f.answer(conv, f.at(5, 8, 30), by=agent)
    rollup.consume_all()


@pytest.fixture
def alert(brand):
    moment = datetime(2026, 10, 5, 8, tzinfo=UTC)
    return alert_services.open_alert(
        brand,
        detection=Detection(2, 20, 2.0, 1e-9),
        window_start=moment,
        window_end=moment,
        topics=[],
        examples=[],
    )


def test_kpis_with_definitions(client, brand, agent, data):
    response = client.get(f"/api/brands/{brand.slug}/insights/kpis?period=2026-10", **auth(agent))
    assert response.status_code == 200
    body = response.json()
    median = next(k for k in body["kpis"] if k["metric"] == "median_first_response")
    assert median["value"] == 30.0 and median["unit"] == "minutes" and median["definition"]
    assert body["period"]["time_zone"] == "Europe/Berlin"


def test_series_of_a_chart(client, brand, agent, data):
    response = client.get(
        f"/api/brands/{brand.slug}/insights/series/sentiment?period=2026-10-05..2026-10-06", **auth(agent)
    )
    body = response.json()
    assert body["labels"] == ["2026-10-05", "2026-10-06"]
    assert {d["key"]: d["data"] for d in body["datasets"]}["negative"] == [1, 0]


def test_members_and_other_brands_get_nothing(client, brand, other_brand, member, agent, data):
    assert client.get(f"/api/brands/{brand.slug}/insights/kpis", **auth(member)).status_code == 403
    assert client.get(f"/api/brands/{other_brand.slug}/insights/kpis", **auth(agent)).status_code == 403
    assert client.get(f"/api/brands/{brand.slug}/alerts", **auth(member)).status_code == 403
    assert client.get(f"/api/brands/{brand.slug}/insights/kpis").status_code == 401


def test_bad_period_is_refused(client, brand, agent):
    assert (
        client.get(f"/api/brands/{brand.slug}/insights/kpis?period=gestern", **auth(agent)).status_code == 422
    )


def test_alerts_list_acknowledge_resolve(client, brand, agent, manager, alert):
    listed = client.get(f"/api/brands/{brand.slug}/alerts", **auth(agent)).json()
    assert [a["id"] for a in listed] == [alert.pk] and listed[0]["status"] == "open"
    path = f"/api/brands/{brand.slug}/alerts/{alert.pk}"
    assert client.post(f"{path}/acknowledge", **auth(agent)).status_code == 403
    assert client.post(f"{path}/acknowledge", **auth(manager)).json()["status"] == "acknowledged"
    resolved = client.post(
        f"{path}/resolve", {"note": "ok"}, content_type="application/json", **auth(manager)
    )
    assert resolved.status_code == 200 and resolved.json()["status"] == "resolved"


def test_crisis_mode_through_the_api(client, brand, manager, agent, alert):
    path = f"/api/brands/{brand.slug}/alerts/{alert.pk}/crisis"
    body = {
        "freeze": True,
        "escalate_to": [manager.username],
        "status_title": "Störung",
        "status_post": "Wir sind dran.",
    }
    assert client.post(path, body, content_type="application/json", **auth(agent)).status_code == 403
    refused = client.post(
        path, dict(body, escalate_to=[agent.username]), content_type="application/json", **auth(manager)
    )
    assert refused.status_code == 422
    response = client.post(path, body, content_type="application/json", **auth(manager))
    crisis = response.json()["crisis"]
    assert (
        response.status_code == 200 and crisis["active"] and crisis["freeze"] and crisis["status_article_id"]
    )
    assert crisis["escalated_to"] == [manager.public_name]
    again = client.post(path, body, content_type="application/json", **auth(manager))
    assert again.status_code == 409


def test_series_come_with_their_definition_and_stable_keys(client, brand, agent, data):
    body = client.get(
        f"/api/brands/{brand.slug}/insights/series/response_rate?period=2026-10", **auth(agent)
    ).json()
    assert body["definition"]
    keys = {d["key"]: d for d in body["datasets"]}
    assert keys["response_rate"]["drawn"] and not keys["cycles"]["drawn"]
    assert sum(keys["cycles"]["data"]) == 1 and sum(keys["answered"]["data"]) == 1
