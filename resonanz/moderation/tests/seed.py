"""A seeded month of moderation (October 2026) with known figures, for the report and DSA tests and the
sample report in docs/moderation.md (``python -m`` is not needed: call :func:`seed_october`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

import time_machine

from resonanz.accounts.models import Brand, Role, User
from resonanz.accounts.tests.factories import member_factory
from resonanz.moderation import services
from resonanz.moderation.tests.factories import post_with_labels, rule, rules_factory

BERLIN = ZoneInfo("Europe/Berlin")


def at(day: int, hour: int, month: int = 10) -> time_machine.travel:
    return time_machine.travel(datetime(2026, month, day, hour, 0, tzinfo=BERLIN), tick=False)


@dataclass
class Seeded:
    brand: Brand
    moderator: User
    moderator2: User
    manager: User


def _reported_decisions(s: Seeded, reporter: User) -> None:
    """Three reported posts decided after 2, 4 and 6 hours: hide, remove, dismiss; the hide is reversed."""
    posts = []
    with at(1, 10):
        for n in range(3):
            post = post_with_labels(
                s.brand, body=f"Du Vollidiot Nummer {n}, @mia weiß Bescheid", abuse=0.7, abuse_confident=True
            )
            services.report_post(post, reason="abuse", note="", by=reporter)
            posts.append(post)
    with at(1, 12):
        hidden = services.hide_post(
            posts[0], by=s.moderator, rules=[rule(s.brand, 1)], explanation="Beleidigung."
        )
    with at(1, 14):
        services.remove_post(
            posts[1], by=s.moderator, rules=[rule(s.brand, 1)], explanation="Grobe Beleidigung."
        )
    with at(1, 16):
        services.dismiss_reports(
            posts[2], by=s.moderator, rules=[rule(s.brand, 2)], explanation="Keine Werbung."
        )
    with at(2, 9):
        appeal = services.open_appeal(hidden, by=posts[0].author, text="Das war ein Filmzitat.")
        services.decide_appeal(appeal, by=s.moderator2, outcome="reversed", reason="Im Kontext ein Zitat.")


def _automation_and_guard(s: Seeded) -> None:
    """An automatic hide confirmed by a removal; two criticism proposals, one approved, one rejected."""
    with at(5, 8):
        flagged = post_with_labels(s.brand, body="Widerliches Pack", abuse=0.97)
        services.screen_post(flagged)
    with at(5, 9):
        services.remove_post(flagged, by=s.moderator, rules=[rule(s.brand, 1)], explanation="Beleidigung.")
    with at(6, 10):
        critical = post_with_labels(s.brand, body="Wieder 40 Minuten Verspätung!", criticism=True)
        proposal = services.hide_post(
            critical, by=s.moderator, rules=[rule(s.brand, 3)], explanation="Telefonnummer."
        )
        services.approve_decision(proposal, by=s.moderator2)
        other = post_with_labels(s.brand, body="Euer Service ist eine Katastrophe.", criticism=True)
        proposal = services.remove_post(
            other, by=s.moderator, rules=[rule(s.brand, 1)], explanation="Zu scharf."
        )
        services.reject_decision(proposal, by=s.moderator2, reason="Scharf, aber berechtigte Kritik.")


def seed_october(brand: Brand) -> Seeded:
    """Seven decisions effective in October 2026 (one more in November), with appeals and guard cases."""
    with at(1, 8):
        manager = member_factory(brand, Role.MANAGER)
        s = Seeded(
            brand, member_factory(brand, Role.MODERATOR), member_factory(brand, Role.MODERATOR), manager
        )
        rules_factory(brand, by=manager)
        reporter = member_factory(brand, Role.MEMBER)
    _reported_decisions(s, reporter)
    _automation_and_guard(s)
    with at(20, 10):
        troll = post_with_labels(s.brand, body="Spam spam spam", abuse=0.6, abuse_confident=True)
        restricted = services.restrict_author(
            troll,
            by=s.moderator,
            rules=[rule(s.brand, 1)],
            explanation="Wiederholte Beleidigungen.",
            restrict_days=7,
        )
        appeal = services.open_appeal(restricted, by=troll.author, text="Das ist unfair, ich war das nicht.")
        services.decide_appeal(appeal, by=s.manager, outcome="upheld", reason="Die Beiträge sind eindeutig.")
    with at(3, 10, month=11):
        outside = post_with_labels(s.brand, body="Im November", abuse=0.6, abuse_confident=True)
        services.hide_post(outside, by=s.moderator, rules=[rule(s.brand, 1)], explanation="Beleidigung.")
    return s
