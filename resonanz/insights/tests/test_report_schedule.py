"""The scheduler's first tick (when `resonanz run` starts) mails only reports that are due and unsent."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import time_machine
from django.core import mail
from django.core.cache import cache

from resonanz.accounts.models import Brand
from resonanz.core.scheduler import run_scheduler
from resonanz.insights.models import ReportDelivery

pytestmark = pytest.mark.django_db
REPORTS_ONLY = {"resonanz.insights.tasks.send_reports_task": 3600}


@pytest.fixture(autouse=True)
def _only_reports(settings):
    cache.clear()
    settings.RESONANZ = {**settings.RESONANZ, "PERIODIC_TASKS": REPORTS_ONLY}


def _start_server() -> None:
    """What `resonanz run` does with the embedded scheduler: one tick right away (a restart loses the
    in-memory buckets, so every job counts as due)."""
    cache.clear()
    run_scheduler(once=True)


def test_new_brand_gets_no_report_for_a_month_before_it_existed(brand, manager):
    with time_machine.travel(datetime(2026, 11, 20, 9, tzinfo=UTC), tick=False):
        Brand.objects.filter(pk=brand.pk).update(created_at=datetime(2026, 11, 10, tzinfo=UTC))
        _start_server()
    assert mail.outbox == []
    assert not ReportDelivery.objects.exists()


def test_report_missed_while_down_is_sent_once_then_never_again_on_restarts(brand, manager):
    Brand.objects.filter(pk=brand.pk).update(created_at=datetime(2026, 9, 15, tzinfo=UTC))
    with time_machine.travel(datetime(2026, 11, 20, 9, tzinfo=UTC), tick=False):
        _start_server()
        _start_server()
    [message] = mail.outbox
    assert "2026-10" in message.subject
    assert ReportDelivery.objects.get(brand=brand).period == "2026-10"


def test_restart_in_the_next_month_sends_only_the_new_period(brand, manager):
    Brand.objects.filter(pk=brand.pk).update(created_at=datetime(2026, 9, 15, tzinfo=UTC))
    ReportDelivery.objects.create(brand=brand, period="2026-10", recipients=1)
    with time_machine.travel(datetime(2026, 11, 30, 9, tzinfo=UTC), tick=False):
        _start_server()
    assert mail.outbox == []
    with time_machine.travel(datetime(2026, 12, 1, 9, tzinfo=UTC), tick=False):
        _start_server()
    [message] = mail.outbox
    assert "2026-11" in message.subject


def test_brand_created_during_the_period_gets_its_report(brand, manager):
    Brand.objects.filter(pk=brand.pk).update(created_at=datetime(2026, 10, 20, tzinfo=UTC))
    with time_machine.travel(datetime(2026, 11, 2, 9, tzinfo=UTC), tick=False):
        _start_server()
    assert len(mail.outbox) == 1
