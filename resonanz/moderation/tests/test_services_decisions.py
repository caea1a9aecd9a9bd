"""Moderator actions: refusals, effects, the criticism guard (four eyes), the freeze, stale forms."""

from __future__ import annotations

import json

import pytest
from django.core import mail
from django.utils import translation

from resonanz.community.models import Visibility
from resonanz.core.errors import InvalidInput, NotAllowed
from resonanz.moderation import selectors, services
from resonanz.moderation.errors import (
    DeletionFrozen,
    ExplanationRequired,
    RuleRequired,
    SecondApprovalRequired,
    StaleDecision,
)
from resonanz.moderation.models import ModerationDecision, ModLogEntry, Notice, Report, Restriction
from resonanz.moderation.tests.factories import rule

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]
Status = ModerationDecision.Status
EXPLANATION = "Beleidigung anderer Mitglieder."


def hide(post, by, **kwargs):
    kwargs.setdefault("rules", [rule(post.brand, 1)])
    kwargs.setdefault("explanation", EXPLANATION)
    return services.hide_post(post, by=by, **kwargs)


def test_action_without_rule_is_refused_and_changes_nothing(abusive_post, moderator):
    with pytest.raises(RuleRequired):
        hide(abusive_post, moderator, rules=[])
    abusive_post.refresh_from_db()
    assert abusive_post.visibility == Visibility.VISIBLE
    assert (
        not ModerationDecision.objects.exists() and not ModLogEntry.objects.filter(kind="decision").exists()
    )


def test_rule_of_another_brand_is_not_a_citation(abusive_post, moderator, other_brand):
    from resonanz.moderation.tests.factories import rules_factory

    foreign = rules_factory(other_brand).rules.first()
    with pytest.raises(RuleRequired):
        hide(abusive_post, moderator, rules=[foreign])


@pytest.mark.parametrize("explanation", ["", "   ", "kurz"])
def test_action_without_explanation_is_refused(abusive_post, moderator, explanation):
    with pytest.raises(ExplanationRequired):
        hide(abusive_post, moderator, explanation=explanation)
    assert not ModerationDecision.objects.exists()


def test_members_and_agents_cannot_moderate(abusive_post, member, agent):
    for user in (member, agent):
        with pytest.raises(NotAllowed):
            hide(abusive_post, user)


def test_hide_takes_effect_logs_and_sends_the_statement(
    abusive_post, moderator, member, django_capture_on_commit_callbacks
):
    services.report_post(abusive_post, reason="abuse", note="", by=member)
    with django_capture_on_commit_callbacks(execute=True):
        decision = hide(abusive_post, moderator)
    abusive_post.refresh_from_db()
    assert decision.status == Status.EFFECTIVE and abusive_post.visibility == Visibility.HIDDEN
    assert decision.decision_visibility == ["DECISION_VISIBILITY_CONTENT_DISABLED"]
    assert decision.source_type == "SOURCE_TYPE_OTHER_NOTIFICATION"
    assert (
        decision.automated_detection == "No"
        and decision.automated_decision == "AUTOMATED_DECISION_NOT_AUTOMATED"
    )
    assert "§1 Respektvoller Umgang (v1)" in decision.incompatible_content_ground
    assert Report.objects.get().status == Report.Status.DECIDED
    entry = ModLogEntry.objects.get(kind="decision")
    assert entry.payload["action"] == "hide" and entry.payload["decided_by_role"] == "moderator"
    assert entry.payload["rules"] == [{"number": 1, "version": 1}]
    published = json.dumps(entry.payload)
    assert moderator.username not in entry.payload.values() and abusive_post.author.username not in published
    assert entry.excerpt == "" and "Idioten" not in published  # no names, no republished text
    kinds = set(Notice.objects.values_list("kind", flat=True))
    assert kinds == {"statement", "report_outcome"}
    assert {m.to[0] for m in mail.outbox} == {abusive_post.author.email, member.email}


def test_opening_post_hidden_hides_its_thread(abusive_post, moderator):
    hide(abusive_post, moderator)
    abusive_post.thread.refresh_from_db()
    assert abusive_post.thread.visibility == Visibility.HIDDEN


def test_criticism_needs_a_second_moderator_and_stays_visible(critical_post, moderator, moderator2):
    decision = hide(critical_post, moderator)
    critical_post.refresh_from_db()
    assert decision.status == Status.PENDING_APPROVAL and decision.four_eyes
    assert critical_post.visibility == Visibility.VISIBLE
    assert not ModLogEntry.objects.filter(kind="decision").exists()
    with pytest.raises(SecondApprovalRequired):
        services.approve_decision(decision, by=moderator)
    services.approve_decision(decision, by=moderator2)
    critical_post.refresh_from_db()
    assert critical_post.visibility == Visibility.HIDDEN
    payload = ModLogEntry.objects.get(kind="decision").payload
    assert payload["four_eyes"] is True and payload["approved_by_role"] == "moderator"


def test_reporter_calling_it_criticism_triggers_the_guard(abusive_post, moderator, member):
    services.report_post(abusive_post, reason="other", note="", by=member, criticism=True)
    decision = services.remove_post(
        abusive_post, by=moderator, rules=[rule(abusive_post.brand)], explanation=EXPLANATION
    )
    assert decision.status == Status.PENDING_APPROVAL


def test_rejecting_a_proposal_keeps_the_post_and_is_logged_with_excerpt(critical_post, moderator, moderator2):
    decision = services.remove_post(
        critical_post, by=moderator, rules=[rule(critical_post.brand)], explanation=EXPLANATION
    )
    with pytest.raises(ExplanationRequired):
        services.reject_decision(decision, by=moderator2, reason="")
    services.reject_decision(decision, by=moderator2, reason="Das ist berechtigte Kritik.")
    critical_post.refresh_from_db()
    assert critical_post.visibility == Visibility.VISIBLE
    entry = ModLogEntry.objects.get(kind="rejected")
    assert entry.payload["four_eyes"] and entry.excerpt.startswith("Der Zug war")


def test_new_action_while_a_proposal_waits_is_refused(critical_post, moderator, moderator2):
    hide(critical_post, moderator)
    with pytest.raises(StaleDecision, match="second moderator"):
        hide(critical_post, moderator2)


def test_stale_state_names_what_the_other_moderator_did(abusive_post, moderator, moderator2):
    seen = selectors.state_token(abusive_post)
    hide(abusive_post, moderator, expected_state=seen)
    with pytest.raises(StaleDecision) as excinfo:
        services.remove_post(
            abusive_post, by=moderator2, rules=[rule(abusive_post.brand)], explanation=EXPLANATION,
            expected_state=seen,
        )  # fmt: skip
    assert "mo acted: Hide (Effective)" in excinfo.value.message
    assert ModerationDecision.objects.count() == 1


def test_freeze_refuses_hiding_criticism_until_a_manager_overrides(
    critical_post, moderator, moderator2, manager
):
    services.set_deletion_freeze(
        critical_post.brand, on=True, reason="Shitstorm wegen Zugausfällen", by=manager
    )
    with pytest.raises(DeletionFrozen):
        hide(critical_post, moderator)
    with pytest.raises(NotAllowed):
        services.record_freeze_override(critical_post, by=moderator, reason="Enthält eine Telefonnummer.")
    services.record_freeze_override(critical_post, by=manager, reason="Enthält eine private Telefonnummer.")
    decision = hide(critical_post, moderator)
    services.approve_decision(decision, by=moderator2)
    decision.refresh_from_db()
    assert decision.freeze_override is not None and decision.freeze_override.used_at is not None
    kinds = list(ModLogEntry.objects.order_by("seq").values_list("kind", flat=True))
    assert kinds == ["rules", "freeze", "freeze_override", "proposed", "decision"]
    assert ModLogEntry.objects.get(kind="decision").payload["freeze_override"] is True


def test_freeze_does_not_touch_abuse(abusive_post, moderator, manager):
    services.set_deletion_freeze(abusive_post.brand, on=True, reason="Krise", by=manager)
    assert hide(abusive_post, moderator).status == Status.EFFECTIVE


def test_freeze_needs_a_reason_and_a_manager(brand, manager, moderator):
    with pytest.raises(ExplanationRequired):
        services.set_deletion_freeze(brand, on=True, reason="", by=manager)
    with pytest.raises(NotAllowed):
        services.set_deletion_freeze(brand, on=True, reason="Krise", by=moderator)


def test_restrict_author_creates_a_restriction_with_end_date(abusive_post, moderator):
    decision = services.restrict_author(
        abusive_post, by=moderator, rules=[rule(abusive_post.brand)], explanation=EXPLANATION, restrict_days=7
    )
    restriction = Restriction.objects.get()
    assert (
        restriction.user == abusive_post.author and decision.decision_account == "DECISION_ACCOUNT_SUSPENDED"
    )
    assert selectors.active_restriction(abusive_post.author, abusive_post.brand) == restriction
    with pytest.raises(InvalidInput):
        services.restrict_author(
            abusive_post, by=moderator, rules=[rule(abusive_post.brand)], explanation=EXPLANATION
        )


def test_restore_supersedes_the_hide_and_quotes_the_post(abusive_post, moderator):
    first = hide(abusive_post, moderator)
    services.restore_post(
        abusive_post, by=moderator, rules=[rule(abusive_post.brand)], explanation="Doch in Ordnung."
    )
    first.refresh_from_db()
    abusive_post.refresh_from_db()
    assert first.status == Status.SUPERSEDED and abusive_post.visibility == Visibility.VISIBLE
    assert ModLogEntry.objects.filter(kind="decision").last().excerpt_state == "shown"


def test_dismiss_closes_reports_and_needs_open_reports(abusive_post, moderator, member):
    with pytest.raises(InvalidInput):
        services.dismiss_reports(
            abusive_post, by=moderator, rules=[rule(abusive_post.brand)], explanation=EXPLANATION
        )
    services.report_post(abusive_post, reason="spam", note="", by=member)
    services.dismiss_reports(
        abusive_post, by=moderator, rules=[rule(abusive_post.brand)], explanation="Keine Werbung erkennbar."
    )
    assert Report.objects.get().status == Report.Status.DISMISSED
    assert not Notice.objects.filter(kind="statement").exists()


def test_illegal_ground_fills_the_legal_fields(abusive_post, moderator):
    decision = hide(abusive_post, moderator, legal_ground="§ 185 StGB")
    assert decision.decision_ground == "DECISION_GROUND_ILLEGAL_CONTENT"
    assert decision.illegal_content_legal_ground == "§ 185 StGB"


def test_statement_mail_is_in_the_authors_language(
    abusive_post, moderator, django_capture_on_commit_callbacks
):
    abusive_post.author.preferred_language = "en"
    abusive_post.author.save()
    with django_capture_on_commit_callbacks(execute=True):
        hide(abusive_post, moderator)
    with translation.override("de"):  # the moderator's language does not matter
        pass
    assert "How to appeal" in mail.outbox[0].body and abusive_post.author.email in mail.outbox[0].to
    assert Notice.objects.get().emailed_at is not None
