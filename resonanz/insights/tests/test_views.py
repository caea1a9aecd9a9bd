"""Insights pages: who sees what, the dashboard with its charts and CSV, the strategy editor, settings."""

from __future__ import annotations

import pytest
from django.urls import reverse

from resonanz.insights import rollup
from resonanz.insights.models import KPI, Goal, InsightsSettings, TargetGroup
from resonanz.insights.tests import factories as f


@pytest.fixture
def traffic(brand, agent):
    chan = f.channel(brand)
    conv = f.conversation(chan, f.at(5, 8))
    f.customer(conv, f.at(5, 8), sentiment="negative", criticism=True, topics=["punctuality"])
    f.answer(conv, f.at(5, 8, 30), by=agent)
    rollup.consume_all()
    return chan


def url(name, brand, *args):
    return reverse(f"insights:{name}", args=[brand.slug, *args])


def test_anonymous_is_sent_to_login_and_members_are_refused(client, brand, member):
    assert client.get(url("dashboard", brand)).status_code == 302
    client.force_login(member)
    assert client.get(url("dashboard", brand)).status_code == 403


def test_another_brands_team_sees_nothing(client, brand, other_brand, agent):
    client.force_login(agent)
    assert client.get(url("dashboard", other_brand)).status_code == 403
    assert client.get(url("csv", other_brand, "sentiment")).status_code == 403


def test_agent_sees_kpis_with_definitions_charts_and_tables(client, brand, agent, traffic):
    client.force_login(agent)
    response = client.get(url("dashboard", brand), {"period": "2026-10"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Median over answered measurement cycles" in html or "Median über" in html
    for chart in (
        "sentiment",
        "criticism",
        "response_rate",
        "response_time",
        "topics",
        "channels",
        "participants",
        "moderation",
    ):
        assert f'data-chart="{chart}"' in html and f'id="chart-data-{chart}"' in html
    assert "vendor/chartjs/chart.umd.min.js" in html and "<details>" in html


def test_bad_period_shows_an_error_and_falls_back(client, brand, agent, traffic):
    client.force_login(agent)
    response = client.get(url("dashboard", brand), {"period": "gestern"})
    assert response.status_code == 200 and 'role="alert"' in response.content.decode()


def test_csv_download_has_the_chart_numbers(client, brand, agent, traffic):
    client.force_login(agent)
    response = client.get(url("csv", brand, "sentiment"), {"period": "2026-10-05..2026-10-06"})
    assert response["Content-Type"].startswith("text/csv")
    lines = response.content.decode().splitlines()
    # The header is in the reader's language like the page (German by default).
    assert lines[0].startswith("Bezeichnung,negativ,") and lines[1].startswith("2026-10-05,1,")
    assert client.get(url("csv", brand, "nonsense")).status_code == 404


def test_manager_writes_the_strategy(client, brand, manager, traffic):
    client.force_login(manager)
    client.post(url("strategy_add", brand, "group"), {"name": "Pendler:innen"})
    group = TargetGroup.objects.get(brand=brand)
    client.post(
        url("strategy_add", brand, "goal"),
        {"title": "Kritik ernst nehmen", "target_groups": [group.pk], "channels": [traffic.pk]},
    )
    goal = Goal.objects.get(brand=brand)
    response = client.post(
        url("strategy_add", brand, "kpi"),
        {
            "name": "90 % der Kritik in 2 Stunden beantworten",
            "metric": "criticism_answered_within",
            "target": 90,
            "period": "month",
            "threshold_minutes": 120,
            "goal": goal.pk,
        },
    )
    assert response.status_code == 302
    kpi = KPI.objects.get(brand=brand)
    assert kpi.goal == goal and list(goal.channels.all()) == [traffic]
    page = client.get(url("strategy", brand)).content.decode()
    assert (
        "90 % der Kritik" in page and "Share of measurement cycles containing criticism" in page
    ) or "Kritik" in page


def test_kpi_needs_its_time_limit(client, brand, manager):
    client.force_login(manager)
    response = client.post(
        url("strategy_add", brand, "kpi"),
        {"name": "x", "metric": "criticism_answered_within", "target": 90, "period": "month"},
    )
    assert response.status_code == 422 and not KPI.objects.exists()


def test_agents_cannot_write_the_strategy(client, brand, agent):
    client.force_login(agent)
    assert client.post(url("strategy_add", brand, "group"), {"name": "x"}).status_code == 403
    assert client.get(url("strategy", brand)).status_code == 200


def test_settings_switch_business_hours_and_rebuild(
    client, brand, manager, traffic, django_capture_on_commit_callbacks
):
    client.force_login(manager)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url("settings", brand),
            {
                "public_bilanz": "on",
                "business_hours": "on",
                "business_start": 9,
                "business_end": 17,
                "business_days": ["0", "1", "2", "3", "4"],
                "report_frequency": "weekly",
            },
        )
    assert response.status_code == 302
    settings = InsightsSettings.objects.get(brand=brand)
    assert settings.business_hours and settings.business_days == "01234" and settings.public_bilanz
    from resonanz.insights.models import ResponseFact

    # 5 Oct 2026 is a Monday: 10:00-10:30 in Berlin, all inside business hours (immediate task backend)
    assert ResponseFact.objects.get().business_seconds == 30 * 60


def test_bilanz_is_public_only_when_enabled(client, brand, manager, traffic):
    bilanz = reverse("bilanz:index", args=[brand.slug])
    assert client.get(bilanz).status_code == 404
    InsightsSettings.objects.create(brand=brand, public_bilanz=True)
    html = client.get(bilanz).content.decode()
    assert "Dialog-Bilanz" in html and "Moderation" in html


def test_manager_edits_a_kpi_and_another_brand_cannot(client, brand, other_brand, manager, traffic):
    from resonanz.insights.services import save_kpi

    kpi = save_kpi(brand, name="Antwortquote", metric="response_rate", target=80, by=manager)
    client.force_login(manager)
    edit = url("strategy_edit", brand, "kpi", kpi.pk)
    page = client.get(edit).content.decode()
    assert 'value="Antwortquote"' in page and 'id="kpi-name"' in page
    response = client.post(
        edit, {"name": "Antwortquote 90 %", "metric": "response_rate", "target": 90, "period": "quarter"}
    )
    assert response.status_code == 302
    kpi.refresh_from_db()
    assert (kpi.name, kpi.target, kpi.period) == ("Antwortquote 90 %", 90.0, "quarter")
    bad = client.post(edit, {"name": "x", "metric": "response_rate", "target": 140, "period": "month"})
    assert bad.status_code == 422 and KPI.objects.get().target == 90.0  # nothing half-saved
    assert (
        client.get(reverse("insights:strategy_edit", args=[other_brand.slug, "kpi", kpi.pk])).status_code
        == 403
    )


def test_strategy_forms_on_one_page_have_distinct_ids(client, brand, manager):
    client.force_login(manager)
    page = client.get(url("strategy", brand)).content.decode()
    assert 'id="kpi-name"' in page and 'id="group-name"' in page and 'id="goal-title"' in page
    assert page.count('id="kpi-name"') == 1


def test_dashboard_shows_the_strategy_kpis_with_targets(client, brand, manager, traffic):
    import time_machine

    from resonanz.insights.services import save_kpi

    save_kpi(brand, name="Median unter 30 Minuten", metric="median_first_response", target=30, by=manager)
    client.force_login(manager)
    with time_machine.travel("2026-10-20 12:00+02:00"):
        html = client.get(url("dashboard", brand), {"period": "2026-10"}).content.decode()
    assert "Median unter 30 Minuten" in html and "30.0 min" in html.replace("Min.", "min")
    assert "on-track" in html  # 30 min in October: the target (at most 30) is met


def test_bilanz_link_tag_follows_the_setting(brand):
    from django.template import Context, Template

    template = Template("{% load insights_tags %}{% bilanz_published brand as on %}{{ on }}")
    assert template.render(Context({"brand": brand})) == "False"
    InsightsSettings.objects.create(brand=brand, public_bilanz=True)
    assert template.render(Context({"brand": brand})) == "True"


def test_public_pages_link_the_bilanz_in_the_footer_when_published(client, brand):
    forum = reverse("community:index", args=[brand.slug])
    bilanz = reverse("bilanz:index", args=[brand.slug])
    assert f'href="{bilanz}"' not in client.get(forum).content.decode()
    InsightsSettings.objects.create(brand=brand, public_bilanz=True)
    assert f'href="{bilanz}"' in client.get(forum).content.decode()
