"""The criticism guard fails closed: every post the classifier is not confident is abuse needs four eyes;
content-independent rules let one moderator act, marked in the public log; the freeze covers every path."""

from __future__ import annotations

import pytest

from resonanz.community.models import Visibility
from resonanz.moderation import protection, selectors, services
from resonanz.moderation.errors import DeletionFrozen
from resonanz.moderation.models import ModerationDecision, ModLogEntry
from resonanz.moderation.tests.factories import post_with_labels, rule, rules_factory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]
Status = ModerationDecision.Status
GUARDED_RULES = [
    ("Respektvoller Umgang", "Keine Beleidigungen."),
    ("Keine Werbung", "Keine Werbung und kein Spam."),
    ("Privatsphäre", "Keine persönlichen Daten anderer."),
]


@pytest.fixture
def ci_rules(brand, manager):
    """§2 (spam) and §3 (personal data) are content-independent."""
    return rules_factory(brand, by=manager, rules=GUARDED_RULES)


def publish_ci(brand, manager):
    return services.publish_house_rules(brand, rules=GUARDED_RULES, by=manager, content_independent=[2, 3])


def hide(post, by, number=1, action="hide", **extra):
    return services.act_on_post(
        post, action=action, by=by, rules=[rule(post.brand, number)], explanation="Verstoß gegen die Regel.",
        **extra,
    )  # fmt: skip


def mild_criticism(brand):
    """Mild criticism the classifier calls neutral, without confidence that it is abuse."""
    return post_with_labels(
        brand, body="Gefühlt ist das deutlich schlechter geworden", abuse=0.3, sentiment="neutral",
        criticism=False, abuse_confident=False,
    )  # fmt: skip


def test_mild_criticism_labelled_neutral_needs_four_eyes(brand, ci_rules, moderator, moderator2):
    post = mild_criticism(brand)
    assert protection.protection_reason(post) == protection.NOT_CONFIDENT
    decision = hide(post, moderator)
    post.refresh_from_db()
    assert decision.status == Status.PENDING_APPROVAL and decision.four_eyes
    assert decision.protection == protection.NOT_CONFIDENT and post.visibility == Visibility.VISIBLE
    services.approve_decision(decision, by=moderator2)
    post.refresh_from_db()
    assert post.visibility == Visibility.HIDDEN


@pytest.mark.parametrize("action", ["hide", "remove", "spam", "restrict"])
def test_every_silencing_action_on_an_unclassified_post_needs_four_eyes(brand, ci_rules, moderator, action):
    post = post_with_labels(brand, body="Das Eis war leider geschmolzen. Enttäuschend.")
    post.labels = {}
    post.save(update_fields=["labels"])
    assert protection.protection_reason(post) == protection.UNCLASSIFIED
    decision = hide(post, moderator, action=action, restrict_days=7 if action == "restrict" else None)
    assert decision.status == Status.PENDING_APPROVAL and decision.four_eyes


def test_labels_without_the_confidence_field_or_uncertain_are_protected(brand, ci_rules):
    old = post_with_labels(brand, abuse=0.99)
    del old.labels["abuse_confident"]
    assert protection.protection_reason(old) == protection.NOT_CONFIDENT
    uncertain = post_with_labels(brand, abuse=0.99, abuse_confident=True, uncertain=True)
    assert protection.protection_reason(uncertain) == protection.UNCERTAIN


def test_a_reporters_claim_of_criticism_keeps_even_confident_abuse_protected(brand, ci_rules, member):
    post = post_with_labels(brand, abuse=0.97, abuse_confident=True)
    assert not protection.is_protected(post)
    services.report_post(post, reason="other", note="", by=member, criticism=True)
    assert protection.protection_reason(post) == protection.REPORTED


def test_confident_abuse_is_hidden_by_one_moderator(brand, ci_rules, moderator):
    post = post_with_labels(brand, body="Ihr seid alle Idioten!", abuse=0.97, abuse_confident=True)
    decision = hide(post, moderator)
    post.refresh_from_db()
    assert decision.status == Status.EFFECTIVE and not decision.four_eyes and decision.protection == ""
    assert post.visibility == Visibility.HIDDEN
    entry = ModLogEntry.objects.get(kind="decision")
    assert entry.payload["protection"] is None and entry.payload["guard"] is None


def test_content_independent_rule_lets_one_moderator_act_and_marks_the_log(client, brand, manager, moderator):
    publish_ci(brand, manager)
    post = mild_criticism(brand)
    post.labels["sentiment"] = "negative"
    post.save(update_fields=["labels"])
    decision = hide(post, moderator, number=2, action="spam")
    assert decision.status == Status.EFFECTIVE and not decision.four_eyes
    assert decision.guard_note == "content_independent_rule"
    entry = ModLogEntry.objects.get(kind="decision")
    assert entry.payload["guard"] == "content_independent_rule" and entry.payload["protection"]
    page = client.get(f"/b/{brand.slug}/moderation/log/").content.decode()
    assert "content-independent rule · one moderator" in page and "guard-marked" in page


def test_a_content_independent_rule_cited_with_another_rule_needs_four_eyes(brand, manager, moderator):
    publish_ci(brand, manager)
    post = mild_criticism(brand)
    decision = services.act_on_post(
        post, action="hide", by=moderator, rules=[rule(brand, 1), rule(brand, 2)],
        explanation="Werbung und Beleidigung.",
    )  # fmt: skip
    assert decision.status == Status.PENDING_APPROVAL and decision.guard_note == ""


def test_content_independent_rules_are_published_on_the_rules_page_and_in_the_log(client, brand, manager):
    publish_ci(brand, manager)
    page = client.get(f"/b/{brand.slug}/moderation/rules/").content.decode()
    section = page[page.index('id="content-independent"') :]
    assert "§2 Keine Werbung" in section and "§3 Privatsphäre" in section
    assert "§1 Respektvoller" not in section
    assert ModLogEntry.objects.get(kind="rules").payload["content_independent"] == [2, 3]
    rules = client.get("/api/brands/elbtal-bahn/moderation/rules").json()["rules"]
    assert [r["content_independent"] for r in rules] == [False, True, True]


def test_rule_versions_keep_their_own_content_independent_list(client, brand, manager):
    publish_ci(brand, manager)
    services.publish_house_rules(brand, rules=GUARDED_RULES, by=manager, content_independent=[2])
    assert services.content_independent_numbers(selectors.get_rule_version(brand, 1)) == [2, 3]
    assert services.content_independent_numbers(selectors.get_current_rules(brand)) == [2]
    client.force_login(manager)
    editor = client.get(f"/b/{brand.slug}/moderation/staff/rules/")
    assert editor.context["form"].initial["content_independent"] == "2"
    data = {"rules": "Eins\nText\n---\nZwei\nText", "change_note": "", "content_independent": "§2, 5"}
    refused = client.post(f"/b/{brand.slug}/moderation/staff/rules/", data)
    assert refused.status_code == 422 and "no rule 5" in refused.content.decode()


def test_the_queue_labels_protected_posts_with_the_reason(client, brand, ci_rules, moderator, member):
    post = mild_criticism(brand)
    services.report_post(post, reason="abuse", note="", by=member)
    client.force_login(moderator)
    page = client.get(f"/b/{brand.slug}/moderation/staff/").content.decode()
    assert "protected" in page and "the classifier is not confident it is abuse" in page
    item = client.get("/api/brands/elbtal-bahn/moderation/queue").json()[0]
    assert item["protected"] is True and item["protection"] == "not_confident_abuse"


# --- the deletion freeze covers every guard path -----------------------------------------------------


@pytest.fixture
def frozen(brand, manager):
    publish_ci(brand, manager)
    services.set_deletion_freeze(brand, on=True, reason="Shitstorm", by=manager)


@pytest.mark.parametrize("action", ["hide", "remove", "spam", "restrict"])
def test_freeze_refuses_proposals_on_protected_posts(brand, frozen, moderator, action):
    with pytest.raises(DeletionFrozen):
        hide(
            mild_criticism(brand), moderator, action=action, restrict_days=7 if action == "restrict" else None
        )


def test_freeze_covers_the_content_independent_path(brand, frozen, moderator):
    with pytest.raises(DeletionFrozen):
        hide(mild_criticism(brand), moderator, number=2, action="spam")


def test_freeze_leaves_confident_abuse_to_one_moderator(brand, frozen, moderator):
    post = post_with_labels(brand, abuse=0.97, abuse_confident=True)
    assert hide(post, moderator).status == Status.EFFECTIVE


def test_freeze_switched_on_while_a_proposal_waits_blocks_the_approval(brand, manager, moderator, moderator2):
    publish_ci(brand, manager)
    post = mild_criticism(brand)
    decision = hide(post, moderator)
    services.set_deletion_freeze(brand, on=True, reason="Shitstorm", by=manager)
    with pytest.raises(DeletionFrozen):
        services.approve_decision(decision, by=moderator2)
    services.record_freeze_override(post, by=manager, reason="Private Telefonnummer im Beitrag.")
    services.approve_decision(decision, by=moderator2)
    post.refresh_from_db()
    assert post.visibility == Visibility.HIDDEN
    override = ModLogEntry.objects.get(kind="freeze_override")
    assert override.payload["reason"] == "Private Telefonnummer im Beitrag."
    assert ModLogEntry.objects.get(kind="decision").payload["freeze_override"] is True


def test_freeze_override_permits_the_content_independent_path_once(brand, frozen, manager, moderator):
    post = mild_criticism(brand)
    services.record_freeze_override(post, by=manager, reason="Eindeutig Spam mit Link.")
    decision = hide(post, moderator, number=2, action="spam")
    assert decision.status == Status.EFFECTIVE and decision.freeze_override is not None
    other = mild_criticism(brand)
    with pytest.raises(DeletionFrozen):
        hide(other, moderator, number=2, action="spam")
