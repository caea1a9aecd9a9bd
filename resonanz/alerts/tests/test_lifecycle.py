"""Alerts: detection from the rollups, lifecycle, crisis mode with the deletion freeze, post-mortem."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.core import mail

from resonanz.alerts import detection, services
from resonanz.alerts.brand_settings import save_holding_statement
from resonanz.alerts.detector import Detection
from resonanz.alerts.models import Alert, AlertSettings, CrisisMode
from resonanz.core.errors import Conflict, InvalidInput, NotAllowed
from resonanz.inbox.models import SavedReply, WebhookDelivery, WebhookEndpoint
from resonanz.insights import rollup
from resonanz.insights.tests import factories as f
from resonanz.moderation.models import ModerationSettings

NOW = datetime(2026, 10, 20, 12, 5, tzinfo=UTC)  # a Tuesday


def quiet_history(brand, chan, *, weeks: int = 3) -> None:
    """One negative post every hour for three weeks: about 0.25 expected per 15 minutes."""
    moment = NOW - timedelta(weeks=weeks)
    n = 0
    while moment < NOW - timedelta(hours=3):
        conv = f.conversation(chan, moment)
        f.customer(conv, moment, sentiment="negative", topics=["punctuality"], handle=f"h{n % 40}")
        moment += timedelta(hours=1)
        n += 1


def surge(brand, chan, *, per_window: int, topic: str = "app") -> None:
    for window in (NOW - timedelta(minutes=35), NOW - timedelta(minutes=20)):
        for n in range(per_window):
            conv = f.conversation(chan, window + timedelta(minutes=n % 14))
            f.customer(
                conv,
                window + timedelta(minutes=n % 14),
                sentiment="negative",
                criticism=True,
                topics=[topic],
                handle=f"s{n}",
            )


@pytest.fixture
def alert(brand):
    found = Detection(windows=2, observed=20, expected=2.0, p_value=1e-9)
    return services.open_alert(
        brand,
        detection=found,
        window_start=NOW - timedelta(minutes=30),
        window_end=NOW,
        topics=[{"topic": "app", "count": 12, "lift": 9.0}],
        examples=[],
    )


@pytest.mark.django_db(transaction=False)
def test_a_surge_opens_one_alert_naming_topics_and_examples(
    brand, manager, django_capture_on_commit_callbacks
):
    chan = f.channel(brand)
    endpoint = WebhookEndpoint.objects.create(brand=brand, url="http://127.0.0.1:9/hook", secret="")
    quiet_history(brand, chan)
    surge(brand, chan, per_window=10)
    rollup.consume_all()
    with django_capture_on_commit_callbacks(execute=False):
        alert = detection.check_brand(brand, now=NOW)
    assert alert is not None and alert.observed >= 10  # one window already is extreme here
    assert alert.driving_topics[0]["topic"] == "app" and len(alert.example_message_ids) == 5
    assert WebhookDelivery.objects.get(endpoint=endpoint).event == "alert.opened"
    assert detection.check_brand(brand, now=NOW) is None  # at most one unresolved alert per brand


def test_quiet_hours_raise_nothing(brand):
    chan = f.channel(brand)
    quiet_history(brand, chan)
    rollup.consume_all()
    assert detection.check_brand(brand, now=NOW) is None


def test_disabled_brand_is_not_checked(brand):
    AlertSettings.objects.create(brand=brand, enabled=False)
    chan = f.channel(brand)
    surge(brand, chan, per_window=30)
    rollup.consume_all()
    assert detection.check_brand(brand, now=NOW) is None


def test_managers_are_mailed_when_an_alert_opens(brand, manager, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.open_alert(
            brand,
            detection=Detection(2, 20, 2.0, 1e-9),
            window_start=NOW,
            window_end=NOW,
            topics=[],
            examples=[],
        )
    assert [m.to for m in mail.outbox] == [[manager.email]]


def test_lifecycle_open_acknowledged_resolved(brand, manager, alert):
    assert alert.status == Alert.Status.OPEN
    alert = services.acknowledge_alert(alert, by=manager)
    assert alert.status == Alert.Status.ACKNOWLEDGED and alert.acknowledged_by == manager
    alert = services.resolve_alert(alert, by=manager, note="Störung behoben")
    assert alert.status == Alert.Status.RESOLVED and alert.postmortem["alert"] == alert.pk
    assert [e["kind"] for e in alert.postmortem["timeline"]] == ["opened", "acknowledged", "resolved"]
    assert "Post-mortem" in alert.postmortem_html or "Nachbetrachtung" in alert.postmortem_html


def test_agents_may_not_handle_alerts(brand, agent, alert):
    with pytest.raises(NotAllowed):
        services.acknowledge_alert(alert, by=agent)
    with pytest.raises(NotAllowed):
        services.open_crisis(alert, by=agent)


def test_crisis_mode_freezes_deletion_and_readies_holding_statements(brand, manager, alert):
    save_holding_statement(brand, title="Wir sind dran", body="Hallo {name}, wir kümmern uns.", by=manager)
    crisis = services.open_crisis(
        alert, by=manager, status_post="Wir wissen Bescheid.", escalate_to=[manager]
    )
    assert ModerationSettings.objects.get(brand=brand).deletion_freeze is True
    assert SavedReply.objects.get(brand=brand).title.startswith("⚠")
    assert crisis.status_article_id and list(crisis.escalated_to.all()) == [manager]
    with pytest.raises(Conflict):
        services.open_crisis(alert, by=manager)
    services.resolve_alert(alert, by=manager)
    assert ModerationSettings.objects.get(brand=brand).deletion_freeze is False
    assert not SavedReply.objects.filter(brand=brand).exists()
    assert CrisisMode.objects.get().ended_at is not None


def test_freeze_blocks_hiding_criticism_during_the_crisis(brand, manager, moderator, alert):
    from resonanz.community.tests.factories import thread_factory
    from resonanz.moderation.errors import DeletionFrozen
    from resonanz.moderation.services.freeze import check_freeze

    services.open_crisis(alert, by=manager)
    post = thread_factory(brand).posts.first()
    with pytest.raises(DeletionFrozen):
        check_freeze(post, action="hide", criticism=True)


def test_postmortem_counts_the_crisis(brand, manager, agent, alert):
    chan = f.channel(brand)
    conv = f.conversation(chan, NOW - timedelta(minutes=10))
    f.customer(conv, NOW - timedelta(minutes=10), sentiment="negative", topics=["app"])
    f.answer(conv, NOW - timedelta(minutes=4), by=agent)
    rollup.consume_all()
    alert.opened_at = NOW
    alert.save()
    import time_machine

    with time_machine.travel(NOW + timedelta(minutes=30)):
        alert = services.resolve_alert(alert, by=manager)
    pm = alert.postmortem
    assert pm["responses"]["answered"] == 1 and pm["responses"]["median_minutes"] == 6.0
    assert pm["topics"] == [{"topic": "app", "negative": 1}]
    assert sum(v["negative"] for v in pm["volumes"]) == 1


def test_the_freeze_stops_a_moderator_until_a_manager_records_an_override(brand, manager, moderator, alert):
    """Through the moderation service itself: the freeze is the moderation app's, crisis mode switches it."""
    from resonanz.community.tests.factories import thread_factory
    from resonanz.moderation.errors import DeletionFrozen
    from resonanz.moderation.models import HouseRule
    from resonanz.moderation.services import hide_post, publish_house_rules, record_freeze_override

    publish_house_rules(brand, rules=[("Respekt", "Keine Beleidigungen.")], by=manager)
    rule = HouseRule.objects.get(version__brand=brand)
    post = thread_factory(brand).posts.first()
    post.labels = {"sentiment": "negative", "criticism": True}
    post.save(update_fields=["labels"])
    services.open_crisis(alert, by=manager)
    with pytest.raises(DeletionFrozen):
        hide_post(post, by=moderator, rules=[rule], explanation="Unpassend formuliert.")
    record_freeze_override(post, by=manager, reason="Enthält private Daten einer Mitarbeiterin.")
    decision = hide_post(post, by=moderator, rules=[rule], explanation="Unpassend formuliert.")
    assert decision.freeze_override is not None  # logged with the override; still four eyes for criticism
    services.resolve_alert(alert, by=manager)
    assert alert.__class__.objects.get(pk=alert.pk).postmortem["moderation"]["freeze_overrides"] == 1


@pytest.mark.django_db(transaction=False)
def test_the_alert_mail_and_webhook_name_topics_and_example_posts(
    brand, manager, django_capture_on_commit_callbacks
):
    chan = f.channel(brand)
    endpoint = WebhookEndpoint.objects.create(brand=brand, url="http://127.0.0.1:9/hook", secret="")
    quiet_history(brand, chan)
    surge(brand, chan, per_window=10)
    rollup.consume_all()
    with django_capture_on_commit_callbacks(execute=True):
        alert = detection.check_brand(brand, now=NOW)
    assert alert is not None
    payload = WebhookDelivery.objects.get(endpoint=endpoint).payload["alert"]
    assert payload["driving_topics"][0]["topic"] == "app" and len(payload["examples"]) == 5
    assert {"id", "channel", "created_at", "excerpt"} <= set(payload["examples"][0])
    body = mail.outbox[0].body
    assert mail.outbox[0].to == [manager.email] and "app (" in body
    assert "- … (Mastodon)" in body  # the example posts, excerpt and channel


def test_crisis_escalates_only_to_managers_and_mails_them(
    brand, manager, agent, alert, django_capture_on_commit_callbacks
):
    with pytest.raises(InvalidInput):
        services.open_crisis(alert, by=manager, escalate_to=[agent])
    AlertSettings.objects.create(brand=brand).escalate_to.set([manager])
    with django_capture_on_commit_callbacks(execute=True):
        crisis = services.open_crisis(
            alert, by=manager, status_post="Wir kümmern uns.", status_title="Störung S1"
        )
    assert list(crisis.escalated_to.all()) == [manager]  # from the alert settings when none are named
    assert any("escalation list" in m.body or "Eskalation" in m.body for m in mail.outbox)
    from resonanz.blog.models import Article

    article = Article.objects.get(pk=crisis.status_article_id)
    assert article.title == "Störung S1" and article.published_at is not None


def test_the_composer_banner_offers_the_holding_statements_during_a_crisis(brand, manager, alert):
    from django.template import Context, Template

    from resonanz.inbox.models import Conversation

    chan = f.channel(brand)
    conversation = f.conversation(chan, NOW)
    template = Template("{% load alerts_tags %}{% crisis_composer brand conversation %}")
    assert template.render(Context({"brand": brand, "conversation": conversation})).strip() == ""
    save_holding_statement(brand, title="Wir sind dran", body="Hallo {name}, wir kümmern uns.", by=manager)
    services.open_crisis(alert, by=manager)
    html = template.render(Context({"brand": brand, "conversation": Conversation.objects.get()}))
    assert "⚠ Wir sind dran" in html and f"/inbox/c/{conversation.pk}/" in html and "hx-get" in html
