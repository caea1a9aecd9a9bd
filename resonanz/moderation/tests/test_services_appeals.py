"""Appeals: once per decision, within the window, decided by someone else; the full path to reversal."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from resonanz.community.models import Visibility
from resonanz.core.errors import NotAllowed
from resonanz.moderation import services
from resonanz.moderation.chain import verify_chain
from resonanz.moderation.errors import (
    AlreadyAppealed,
    AppealWindowClosed,
    ExplanationRequired,
    SelfAppealDecision,
    StaleDecision,
)
from resonanz.moderation.models import Appeal, ModerationDecision, ModLogEntry, Notice, Report, Restriction
from resonanz.moderation.tests.factories import rule

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


@pytest.fixture
def decision(abusive_post, moderator):
    return services.hide_post(
        abusive_post,
        by=moderator,
        rules=[rule(abusive_post.brand)],
        explanation="Beleidigung anderer Mitglieder.",
    )


def test_full_path_report_decision_notice_appeal_reversal(
    abusive_post, member, moderator, moderator2, django_capture_on_commit_callbacks
):
    author = abusive_post.author
    services.report_post(
        abusive_post, reason="abuse", note="Beleidigung", by=member, rule=rule(abusive_post.brand)
    )
    with django_capture_on_commit_callbacks(execute=True):
        decision = services.hide_post(
            abusive_post, by=moderator, rules=[rule(abusive_post.brand)], explanation="Beleidigung anderer."
        )
    assert Report.objects.get().decision == decision
    statement_mail = next(m for m in mail.outbox if author.email in m.to)
    assert decision.puid in statement_mail.body and "/appeal/" in statement_mail.body
    appeal = services.open_appeal(decision, by=author, text="Das war Ironie, bitte noch einmal ansehen.")
    with pytest.raises(SelfAppealDecision):
        services.decide_appeal(appeal, by=moderator, outcome="reversed", reason="Ich sehe es jetzt anders.")
    with django_capture_on_commit_callbacks(execute=True):
        services.decide_appeal(
            appeal, by=moderator2, outcome="reversed", reason="Im Kontext eindeutig Ironie."
        )
    abusive_post.refresh_from_db()
    decision.refresh_from_db()
    assert (
        abusive_post.visibility == Visibility.VISIBLE
        and decision.status == ModerationDecision.Status.REVERSED
    )
    entry = ModLogEntry.objects.get(kind="appeal")
    assert entry.payload["outcome"] == "reversed" and entry.payload["decision"] == decision.puid
    assert Notice.objects.filter(recipient=author, kind="appeal_outcome").exists()
    assert "Im Kontext eindeutig Ironie." in mail.outbox[-1].body
    assert verify_chain(abusive_post.brand).ok


def test_only_the_author_can_appeal(decision, member):
    with pytest.raises(NotAllowed):
        services.open_appeal(decision, by=member, text="Ich finde das ungerecht.")


def test_appeal_once_per_decision(decision, abusive_post):
    services.open_appeal(decision, by=abusive_post.author, text="Bitte noch einmal prüfen.")
    with pytest.raises(AlreadyAppealed):
        services.open_appeal(decision, by=abusive_post.author, text="Bitte noch einmal prüfen!")


def test_appeal_window_closes_after_the_configured_days(decision, abusive_post):
    assert services.appeal_until(decision) - decision.effective_at == timedelta(days=180)
    later = time_machine.travel(timezone.now() + timedelta(days=181))
    with later, pytest.raises(AppealWindowClosed):
        services.open_appeal(decision, by=abusive_post.author, text="Bitte noch einmal prüfen.")


def test_approver_of_a_four_eyes_decision_cannot_decide_its_appeal(
    critical_post, moderator, moderator2, manager
):
    decision = services.hide_post(
        critical_post, by=moderator, rules=[rule(critical_post.brand)], explanation="Off-Topic, Regel 1."
    )
    services.approve_decision(decision, by=moderator2)
    appeal = services.open_appeal(
        decision, by=critical_post.author, text="Das ist Kritik, keine Beleidigung."
    )
    for involved in (moderator, moderator2):
        with pytest.raises(SelfAppealDecision):
            services.decide_appeal(appeal, by=involved, outcome="upheld", reason="Bleibt so, siehe Regel.")
    services.decide_appeal(appeal, by=manager, outcome="upheld", reason="Die Regel wurde richtig angewandt.")
    assert Appeal.objects.get().status == Appeal.Status.UPHELD


def test_appeal_decision_needs_reasons_and_is_decided_once(decision, abusive_post, moderator2, manager):
    appeal = services.open_appeal(decision, by=abusive_post.author, text="Bitte noch einmal prüfen.")
    with pytest.raises(ExplanationRequired):
        services.decide_appeal(appeal, by=moderator2, outcome="upheld", reason="")
    services.decide_appeal(appeal, by=moderator2, outcome="upheld", reason="Die Beleidigung ist eindeutig.")
    with pytest.raises(StaleDecision):
        services.decide_appeal(appeal, by=manager, outcome="reversed", reason="Ich sehe das anders.")


def test_reversing_a_restriction_lifts_it(abusive_post, moderator, moderator2):
    decision = services.restrict_author(
        abusive_post, by=moderator, rules=[rule(abusive_post.brand)],
        explanation="Wiederholte Beleidigungen.", restrict_days=30,
    )  # fmt: skip
    appeal = services.open_appeal(decision, by=abusive_post.author, text="Das war ein einzelner Ausrutscher.")
    services.decide_appeal(
        appeal, by=moderator2, outcome="reversed", reason="Erstes Vergehen, Verwarnung reicht."
    )
    assert Restriction.objects.get().lifted_at is not None


def test_automated_decisions_can_be_appealed_to_any_moderator(abusive_post, moderator):
    decision = services.screen_post(abusive_post)
    appeal = services.open_appeal(decision, by=abusive_post.author, text="Die Maschine hat sich geirrt.")
    services.decide_appeal(appeal, by=moderator, outcome="reversed", reason="Kein Angriff auf Personen.")
    abusive_post.refresh_from_db()
    assert abusive_post.visibility == Visibility.VISIBLE
