"""Automatic screening: hide pending review above the threshold; never criticism, never removal."""

from __future__ import annotations

import pytest

from resonanz.community.models import Post, Visibility
from resonanz.moderation import selectors, services
from resonanz.moderation.models import ModerationDecision, ModLogEntry
from resonanz.moderation.tests.factories import post_with_labels, rule

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def test_post_above_threshold_is_hidden_pending_review(abusive_post):
    decision = services.screen_post(abusive_post)
    abusive_post.refresh_from_db()
    assert decision is not None and abusive_post.visibility == Visibility.HIDDEN
    assert decision.action == "hide" and decision.needs_review and decision.decided_by is None
    assert (
        decision.automated_detection == "Yes"
        and decision.automated_decision == "AUTOMATED_DECISION_PARTIALLY"
    )
    assert decision.source_type == "SOURCE_VOLUNTARY" and list(decision.rules.all()) == [
        rule(abusive_post.brand)
    ]
    assert [item.post for item in selectors.list_queue(abusive_post.brand)] == [abusive_post]
    payload = ModLogEntry.objects.get(kind="decision").payload
    assert payload["decided_by_role"] == "automation" and payload["automated_detection"] is True


def test_below_threshold_nothing_happens(brand, rules):
    post = post_with_labels(brand, abuse=0.89)
    assert services.screen_post(post) is None
    assert not ModerationDecision.objects.exists()


def test_brand_threshold_is_used(brand, rules, manager):
    services.update_moderation_settings(brand, by=manager, auto_hide_threshold=0.5)
    assert services.screen_post(post_with_labels(brand, abuse=0.6, abuse_confident=True)) is not None


def test_high_score_without_measured_confidence_is_not_hidden(brand, rules, manager):
    # The score alone (e.g. topic words on posts unlike the training data) never hides a post.
    services.update_moderation_settings(brand, by=manager, auto_hide_threshold=0.5)
    post = post_with_labels(brand, abuse=0.99, abuse_confident=False)
    assert services.screen_post(post) is None
    post.refresh_from_db()
    assert post.visibility == Visibility.VISIBLE and not ModerationDecision.objects.exists()


def test_labels_stored_before_the_contract_are_never_hidden(brand, rules):
    post = post_with_labels(brand, abuse=0.99)
    post.labels.pop("abuse_confident")
    post.save(update_fields=["labels"])
    assert services.screen_post(post) is None


def test_brand_threshold_is_an_additional_stricter_condition(brand, rules, manager):
    services.update_moderation_settings(brand, by=manager, auto_hide_threshold=0.98)
    assert services.screen_post(post_with_labels(brand, abuse=0.95, abuse_confident=True)) is None
    assert services.screen_post(post_with_labels(brand, abuse=0.99, abuse_confident=True)) is not None


def test_criticism_is_never_hidden_automatically(brand, rules):
    post = post_with_labels(brand, abuse=0.97, criticism=True)
    assert services.screen_post(post) is None


def test_without_house_rules_automation_does_nothing(brand):
    assert services.screen_post(post_with_labels(brand, abuse=0.99)) is None


def test_screening_twice_is_harmless(abusive_post):
    services.screen_post(abusive_post)
    assert services.screen_post(abusive_post) is None
    assert ModerationDecision.objects.count() == 1


def test_restored_post_is_not_hidden_again(abusive_post, moderator):
    services.screen_post(abusive_post)
    services.restore_post(
        abusive_post, by=moderator, rules=[rule(abusive_post.brand)], explanation="Kein Angriff."
    )
    assert services.screen_post(abusive_post) is None
    assert selectors.list_queue(abusive_post.brand) == []


def test_moderator_confirming_marks_detection_automated(abusive_post, moderator):
    services.screen_post(abusive_post)
    decision = services.remove_post(
        abusive_post, by=moderator, rules=[rule(abusive_post.brand)], explanation="Klare Beleidigung."
    )
    assert (
        decision.automated_detection == "Yes"
        and decision.automated_decision == "AUTOMATED_DECISION_NOT_AUTOMATED"
    )
    assert selectors.list_queue(abusive_post.brand) == []


def test_stale_post_object_is_screened_with_the_stored_labels(brand, rules):
    post = post_with_labels(brand, abuse=0.1)
    Post.objects.filter(pk=post.pk).update(
        labels={**post.labels, "abuse_score": 0.99, "abuse_confident": True}
    )
    assert services.screen_post(post) is not None  # the caller's object still says 0.1


def test_unlabelled_post_is_ignored(brand, rules):
    post = post_with_labels(brand)
    post.labels = {}
    post.save(update_fields=["labels"])
    assert services.screen_post(post) is None


def test_flagged_without_confidence_is_queued_once_for_a_person_and_never_hidden(brand, rules):
    from resonanz.moderation.models import Report

    post = post_with_labels(brand, abuse=0.7, abuse_confident=False)
    assert services.screen_post(post) is None and services.screen_post(post) is None  # idempotent
    post.refresh_from_db()
    [report] = Report.objects.filter(post=post)
    assert post.visibility == Visibility.VISIBLE and report.automated and report.reporter is None
    assert report.reason == "abuse" and "70 %" in report.note
    assert [item.post for item in selectors.list_queue(brand)] == [post]
    from resonanz.moderation.periods import current_month, parse_period
    from resonanz.moderation.transparency import build_report

    figures = build_report(brand, parse_period(current_month(brand.timezone), tz=brand.timezone))
    assert figures["reports"]["received"] == 0 and figures["reports"]["automatic_flags"] == 1


def test_criticism_is_never_flagged_automatically(brand, rules):
    from resonanz.moderation.models import Report

    post = post_with_labels(brand, abuse=0.7, abuse_confident=False, criticism=True)
    assert services.screen_post(post) is None
    assert not Report.objects.exists()
