"""``seed_demo``: German house rules and a month of moderation history on the demo brands, written
through the services; the chain verifies, the numbers add up, and a second run changes nothing."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any
from unittest import mock

import jsonschema
import pytest
from django.core import mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from resonanz.accounts.models import Brand
from resonanz.community.models import Visibility
from resonanz.demo.loader import load_demo
from resonanz.moderation import chain, dsa_export, transparency
from resonanz.moderation.demo import seed_demo
from resonanz.moderation.models import Appeal, HouseRuleVersion, ModerationDecision, ModLogEntry, Notice
from resonanz.moderation.periods import parse_period
from resonanz.moderation.services.notices import send_notice_mail

pytestmark = pytest.mark.django_db
VALIDATOR = jsonschema.Draft202012Validator(json.loads(dsa_export.SCHEMA_PATH.read_text(encoding="utf-8")))


def load_and_seed(now):
    """The demo loader calls ``seed_demo`` for every brand; what it seeded is in its summary."""
    with mock.patch("resonanz.community.tasks.post_entered_task"):  # no classification of 183 posts
        return load_demo(now=now).seeded["moderation"]


@pytest.fixture(scope="module")
def seeded(django_db_setup: None, django_db_blocker: Any) -> Iterator[tuple[datetime, dict[str, Any]]]:
    # Loading and seeding take a second or two; the tests below only read, so they share one run.
    with django_db_blocker.unblock(), transaction.atomic():
        now = timezone.now()
        yield now, load_and_seed(now)
        transaction.set_rollback(True)


def period_of(now) -> str:
    return f"{(now - timedelta(days=90)).date()}..{now.date()}"


def test_every_story_is_written_and_the_chains_verify(seeded):
    _now, counts = seeded
    assert counts["elbtal-bahn"] == {
        "rule_versions": 2, "reports": 6, "decisions": 10, "appeals": 2, "log_entries": 21,
        "skipped_stories": 0,
    }  # fmt: skip
    assert counts["eiscafe-venezia"]["decisions"] == 1 and counts["eiscafe-venezia"]["skipped_stories"] == 0
    for brand in Brand.objects.all():
        assert chain.verify_chain(brand).ok, chain.verify_chain(brand).summary()


def test_history_is_back_dated_in_order_and_before_now(seeded):
    now, _counts = seeded
    times = list(ModLogEntry.objects.filter(brand__slug="elbtal-bahn").order_by("seq").values_list(
        "created_at", flat=True))  # fmt: skip
    assert times == sorted(times) and times[-1] < now and times[0] < now - timedelta(days=50)
    decisions = ModerationDecision.objects.select_related("post").exclude(status="pending_approval")
    assert all(d.effective_at is None or d.effective_at > d.post.created_at for d in decisions)


def test_decisions_cite_the_rules_in_force_at_their_time(seeded):
    v2 = HouseRuleVersion.objects.get(brand__slug="elbtal-bahn", number=2)
    for decision in ModerationDecision.objects.filter(brand__slug="elbtal-bahn"):
        expected = 2 if decision.created_at >= v2.published_at else 1
        assert {r.version.number for r in decision.rules.all()} == {expected}


def test_the_stories_end_as_told(seeded):
    elbtal = ModerationDecision.objects.filter(brand__slug="elbtal-bahn")
    pending = elbtal.get(status="pending_approval")
    assert pending.post.visibility == Visibility.VISIBLE and pending.four_eyes
    assert elbtal.get(status="rejected").four_eyes
    assert sorted(Appeal.objects.values_list("status", flat=True)) == ["reversed", "upheld"]
    reversed_decision = Appeal.objects.get(status="reversed").decision
    assert reversed_decision.post.visibility == Visibility.VISIBLE
    assert elbtal.get(action="restrict").restriction.until < timezone.now() + timedelta(days=8)
    legal = elbtal.get(decision_ground="DECISION_GROUND_ILLEGAL_CONTENT")
    entry = ModLogEntry.objects.get(decision=legal, kind=ModLogEntry.Kind.DECISION)
    assert entry.payload["legal_ground"].startswith("§ 185 StGB")


def test_seeding_again_changes_nothing(seeded):
    now, _counts = seeded
    before = ModLogEntry.objects.count()
    again = seed_demo(Brand.objects.get(slug="elbtal-bahn"), now=now)
    assert set(again.values()) == {0} and ModLogEntry.objects.count() == before


def test_the_history_mails_nobody(seeded):
    notices = list(Notice.objects.all())
    assert notices and all(n.emailed_at == n.created_at for n in notices)  # in the app, not mailed
    for notice in notices:  # what the commit of the demo transaction triggers
        send_notice_mail(notice.pk)
    assert mail.outbox == []


def test_transparency_report_and_dsa_export_have_content(seeded):
    now, _counts = seeded
    brand = Brand.objects.get(slug="elbtal-bahn")
    report = transparency.build_report(brand, parse_period(period_of(now), tz=brand.timezone))
    assert report["decisions"] == 8
    assert report["by_action"] == {"dismiss": 2, "hide": 1, "remove": 3, "restrict": 1, "spam": 1}
    assert report["appeals"] == {"received": 2, "upheld": 1, "reversed": 1, "open": 0, "reversal_rate": 0.5}
    guard = report["criticism_guard"]
    # Unclassified here (the test skips classification): every silencing is protected, so all seven
    # silencing decisions were proposals; the spam decision cited a content-independent rule (§3).
    assert (guard["proposals"], guard["rejected"], guard["pending"]) == (7, 1, 1)
    assert report["median_hours_report_to_decision"] is not None
    statements = dsa_export.list_statements(brand, parse_period(period_of(now), tz=brand.timezone))
    assert len(statements) == 6
    for statement in statements:
        VALIDATOR.validate(statement)


def test_public_log_of_the_demo_republishes_no_abusive_text(seeded, client):
    html = client.get(reverse("moderation_public:log", args=["elbtal-bahn"])).content.decode()
    for insult in ("Penner", "dumme Kuh", "Heulsuse", "Fresse", "Schleimer"):
        assert insult not in html
    assert "Intern weitergegeben" in html  # the dismissed report quotes the criticism that stayed
