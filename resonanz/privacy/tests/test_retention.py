"""Retention periods per brand: the daily job deletes or anonymises what is past them, logs its counts, and
never breaks the public moderation log."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from resonanz.accounts.models import Brand
from resonanz.cli import main
from resonanz.community.privacy import delete_account
from resonanz.core.config import product_setting
from resonanz.core.models import LimitCounter
from resonanz.inbox.models import Conversation, Message, WebhookDelivery, WebhookEndpoint
from resonanz.inbox.models.delivery import DeliveryStatus
from resonanz.inbox.tests.factories import channel_factory, conversation_factory
from resonanz.moderation import services
from resonanz.moderation.models import ModerationDecision, ModLogEntry
from resonanz.moderation.tests.factories import post_with_labels, rule
from resonanz.privacy.models import RetentionRun, RetentionSettings
from resonanz.privacy.retention import EXPIRED_TEXT, apply_retention
from resonanz.sources.models import ChannelKind, DeadLetter

pytestmark = pytest.mark.django_db

DAY = timedelta(days=1)


def old_conversation(brand: Brand, *, days: int, n: int, kind: str = ChannelKind.IMPORT) -> Conversation:
    channel = brand.channels.filter(kind=kind).first() or channel_factory(brand, kind=kind, name=kind)
    conversation = conversation_factory(brand, channel=channel, n=n, text=f"Nachricht {n}")
    at = timezone.now() - days * DAY
    Message.objects.filter(conversation=conversation).update(created_at=at)
    Conversation.objects.filter(pk=conversation.pk).update(last_activity_at=at)
    return conversation


def test_external_messages_are_anonymised_after_the_brand_period(brand, other_brand):
    RetentionSettings.objects.create(brand=brand, external_messages_days=30)
    expired = old_conversation(brand, days=31, n=1)
    recent = old_conversation(brand, days=29, n=2)
    community = old_conversation(brand, days=400, n=3, kind=ChannelKind.COMMUNITY)
    default_period = old_conversation(other_brand, days=100, n=4)  # the default is 365 days

    report = apply_retention()

    message = expired.messages.get()
    assert (message.text, message.author_handle, message.author_name) == (EXPIRED_TEXT, "", "")
    expired.refresh_from_db()
    assert (expired.customer_handle, expired.customer_name, expired.excerpt) == ("", "", "")
    assert expired.message_count == 1  # the shape stays for the insights
    assert recent.messages.get().text == "Nachricht 2"
    assert community.messages.get().text == "Nachricht 3"  # follows the member's account instead
    assert default_period.messages.get().text == "Nachricht 4"
    assert report.counts[brand.slug]["external_messages"] == 1
    assert report.counts[other_brand.slug]["external_messages"] == 0
    assert apply_retention().counts[brand.slug]["external_messages"] == 0  # already done: counted once


def test_logs_dead_letters_counters_and_task_results_expire(brand):
    RetentionSettings.objects.create(
        brand=brand, webhook_deliveries_days=7, dead_letters_days=14, ip_addresses_days=2, task_results_days=3
    )
    now = timezone.now()
    endpoint = WebhookEndpoint.objects.create(brand=brand, url="https://example.org/hook", secret="x")
    for days, status in [(8, DeliveryStatus.SENT), (8, DeliveryStatus.QUEUED), (6, DeliveryStatus.SENT)]:
        WebhookDelivery.objects.create(
            endpoint=endpoint, event="message.created", payload={}, status=status, created_at=now - days * DAY
        )
    channel = channel_factory(brand)
    for n, days in enumerate([15, 13]):
        DeadLetter.objects.create(
            channel=channel,
            fingerprint=f"f{n}",
            error="kaputt",
            raw="Name, Adresse",
            last_seen_at=now - days * DAY,
        )
    LimitCounter.objects.create(key="login:203.0.113.7", count=3, expires_at=int(time.time()) - 3 * 86400)
    LimitCounter.objects.create(key="login:203.0.113.8", count=1, expires_at=int(time.time()) + 60)
    for days in (4, 2):
        DBTaskResult.objects.create(
            status=TaskResultStatus.SUCCESSFUL, finished_at=now - days * DAY, args_kwargs={}, task_path="t",
            backend_name="default", run_after=now - days * DAY, queue_name="default",
        )  # fmt: skip

    report = apply_retention()

    assert report.counts[brand.slug] | report.counts["*"] == {
        "external_messages": 0, "inbound_items": 0, "webhook_deliveries": 1, "dead_letters": 1,
        "ip_addresses": 1, "task_results": 1,
    }  # fmt: skip
    assert sorted(WebhookDelivery.objects.values_list("status", flat=True)) == ["queued", "sent"]
    assert list(DeadLetter.objects.values_list("fingerprint", flat=True)) == ["f1"]
    assert list(LimitCounter.objects.values_list("key", flat=True)) == ["login:203.0.113.8"]
    assert DBTaskResult.objects.count() == 1


def test_dry_run_counts_and_changes_nothing(brand):
    RetentionSettings.objects.create(brand=brand, external_messages_days=10)
    conversation = old_conversation(brand, days=11, n=1)
    report = apply_retention(dry_run=True)
    assert report.counts[brand.slug]["external_messages"] == 1
    assert conversation.messages.get().text == "Nachricht 1"
    assert not RetentionRun.objects.exists()


def test_each_run_records_its_counts(brand, caplog):
    RetentionSettings.objects.create(brand=brand, external_messages_days=10)
    old_conversation(brand, days=11, n=1)
    with caplog.at_level("INFO", logger="resonanz.privacy.retention"):
        apply_retention()
    run = RetentionRun.objects.get()
    assert run.counts[brand.slug]["external_messages"] == 1 and not run.dry_run
    assert f"{brand.slug}: removed external_messages=1" in caplog.text


def test_cli_retention_with_and_without_dry_run(brand, capsys):
    RetentionSettings.objects.create(brand=brand, external_messages_days=10)
    conversation = old_conversation(brand, days=11, n=1)
    assert main(["retention", "--dry-run"]) == 0
    assert f"{brand.slug}: would remove external_messages=1" in capsys.readouterr().out
    assert conversation.messages.get().text == "Nachricht 1"
    assert main(["retention"]) == 0
    assert f"{brand.slug}: removed external_messages=1" in capsys.readouterr().out
    assert conversation.messages.get().text == EXPIRED_TEXT


def test_the_daily_job_is_scheduled_and_runs(brand):
    from resonanz.privacy.tasks import apply_retention_task

    assert product_setting("PERIODIC_TASKS")["resonanz.privacy.tasks.apply_retention_task"] == 86400
    RetentionSettings.objects.create(brand=brand, external_messages_days=10)
    old_conversation(brand, days=11, n=1)
    assert apply_retention_task.enqueue().return_value == 1


def test_periods_have_sensible_defaults_and_bounds(brand):
    from django.core.exceptions import ValidationError

    defaults = RetentionSettings(brand=brand)
    assert (defaults.external_messages_days, defaults.ip_addresses_days) == (365, 30)
    with pytest.raises(ValidationError):
        RetentionSettings(brand=brand, external_messages_days=0).full_clean()


@pytest.mark.usefixtures("rules")
def test_modlog_verifies_after_retention_and_account_deletion(brand, moderator, capsys):
    posts = [
        post_with_labels(brand, body=f"Beleidigung {n}", abuse=0.3, abuse_confident=True) for n in range(2)
    ]
    for post in posts:
        services.hide_post(post, by=moderator, rules=[rule(brand)], explanation="Beleidigung anderer.")
    assert main(["verify-modlog", "--brand", brand.slug]) == 0, capsys.readouterr().err
    before = list(ModLogEntry.objects.filter(brand=brand).values_list("entry_hash", flat=True))
    RetentionSettings.objects.create(brand=brand, external_messages_days=1)
    Message.objects.filter(channel__brand=brand).update(created_at=timezone.now() - 400 * DAY)
    old_conversation(brand, days=400, n=9)

    apply_retention(now=timezone.now() + 400 * DAY)  # everything, installation-wide, is past its period
    delete_account(ModerationDecision.objects.filter(brand=brand).first().subject)

    assert list(ModLogEntry.objects.filter(brand=brand).values_list("entry_hash", flat=True)) == before
    assert main(["verify-modlog", "--brand", brand.slug]) == 0, capsys.readouterr().err
