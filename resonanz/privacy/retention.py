"""Retention: personal data Resonanz did not create itself is kept only as long as each brand says.

Run daily by the scheduler (``privacy.tasks.apply_retention_task``) and by ``resonanz retention``. Each
kind of data is deleted or anonymised once older than its period; the counts per brand and type are
logged and kept in a ``RetentionRun`` row, so an operator can show what the job did.

Nothing here touches the moderation log: its entries hold pseudonyms and digests, never the texts or
handles removed here, so ``resonanz verify-modlog`` passes before and after every run.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.apps import apps
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from resonanz.accounts.models import Brand
from resonanz.core.models import LimitCounter
from resonanz.inbox.models import Conversation, Message, WebhookDelivery
from resonanz.inbox.models.delivery import DeliveryStatus
from resonanz.inbox.models.staging import InboundItem
from resonanz.privacy.models import RetentionRun, RetentionSettings
from resonanz.sources.models import ChannelKind, DeadLetter

log = logging.getLogger(__name__)

# What an external message reads after its period: the conversation's shape (counts, times, labels for
# the insights) stays, who wrote what does not.
EXPIRED_TEXT = "[nach Ablauf der Aufbewahrungsfrist gelöscht / removed after the retention period]"

# Installation-wide data (not owned by one brand) follows the shortest period any brand set.
INSTALLATION = "*"

TYPES = ("external_messages", "inbound_items", "webhook_deliveries", "dead_letters", "ip_addresses",
         "task_results")  # fmt: skip


@dataclass
class RetentionReport:
    dry_run: bool
    counts: dict[str, dict[str, int]] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(sum(per_type.values()) for per_type in self.counts.values())

    def lines(self) -> list[str]:
        verb = "would remove" if self.dry_run else "removed"
        return [
            f"{scope}: {verb} " + ", ".join(f"{kind}={n}" for kind, n in per_type.items())
            for scope, per_type in self.counts.items()
        ]


def settings_for(brand: Brand) -> RetentionSettings:
    """The brand's periods; an unsaved row with the defaults when the brand never changed them."""
    try:
        return brand.retention
    except RetentionSettings.DoesNotExist:
        return RetentionSettings(brand=brand)


def _brand_counts(brand: Brand, periods: RetentionSettings, now: datetime, dry_run: bool) -> dict[str, int]:
    messages_cutoff = now - timedelta(days=periods.external_messages_days)
    # The community channel copies the brand's own forum: those copies follow the member's account
    # (community/privacy.py), not this period.
    external = ~Q(channel__kind=ChannelKind.COMMUNITY)
    messages = Message.objects.filter(external, channel__brand=brand, created_at__lt=messages_cutoff).exclude(
        text=EXPIRED_TEXT, author_handle="", author_name="", url=""
    )
    conversations = Conversation.objects.filter(
        external, brand=brand, last_activity_at__lt=messages_cutoff
    ).exclude(customer_handle="", customer_name="", excerpt="", subject="")
    inbound = InboundItem.objects.filter(channel__brand=brand, processed_at__lt=messages_cutoff)
    deliveries = WebhookDelivery.objects.filter(
        endpoint__brand=brand, created_at__lt=now - timedelta(days=periods.webhook_deliveries_days)
    ).exclude(status=DeliveryStatus.QUEUED)
    dead = DeadLetter.objects.filter(
        channel__brand=brand, last_seen_at__lt=now - timedelta(days=periods.dead_letters_days)
    )
    if dry_run:
        return {
            "external_messages": messages.count(),
            "inbound_items": inbound.count(),
            "webhook_deliveries": deliveries.count(),
            "dead_letters": dead.count(),
        }
    changed = messages.update(text=EXPIRED_TEXT, author_handle="", author_name="", url="")
    conversations.update(customer_handle="", customer_name="", excerpt="", subject="")
    return {
        "external_messages": changed,
        "inbound_items": inbound.delete()[0],
        "webhook_deliveries": deliveries.delete()[0],
        "dead_letters": dead.delete()[0],
    }


def _installation_counts(days: dict[str, int], now: datetime, dry_run: bool) -> dict[str, int]:
    # Rate-limit keys carry client IP addresses; a counter is useless once its window expired.
    counters = LimitCounter.objects.filter(expires_at__lt=int(time.time()) - days["ip"] * 86400)
    counts = {"ip_addresses": counters.count() if dry_run else counters.delete()[0], "task_results": 0}
    if apps.is_installed("django_tasks_db"):  # the Redis backend expires its results itself
        from django_tasks import TaskResultStatus
        from django_tasks_db.models import DBTaskResult

        results = DBTaskResult.objects.filter(
            status__in=[TaskResultStatus.SUCCESSFUL, TaskResultStatus.FAILED],
            finished_at__lt=now - timedelta(days=days["tasks"]),
        )
        counts["task_results"] = results.count() if dry_run else results.delete()[0]
    return counts


def apply_retention(*, dry_run: bool = False, now: datetime | None = None) -> RetentionReport:
    """Delete or anonymise what is past its period, in one transaction; with ``dry_run`` only count."""
    now = now or timezone.now()
    report = RetentionReport(dry_run=dry_run)
    defaults = RetentionSettings()
    days = {"ip": defaults.ip_addresses_days, "tasks": defaults.task_results_days}
    with transaction.atomic():
        for brand in Brand.objects.select_related("retention").order_by("slug"):
            periods = settings_for(brand)
            days["ip"] = min(days["ip"], periods.ip_addresses_days)
            days["tasks"] = min(days["tasks"], periods.task_results_days)
            report.counts[brand.slug] = _brand_counts(brand, periods, now, dry_run)
        report.counts[INSTALLATION] = _installation_counts(days, now, dry_run)
        if not dry_run:
            RetentionRun.objects.create(started_at=now, dry_run=False, counts=report.counts)
    for line in report.lines():
        log.info("retention %s", line)
    return report
