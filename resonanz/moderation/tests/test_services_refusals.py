"""Refusals added for a trustworthy record: current rules only, no decisions about one's own post, no
empty decisions; the log withdraws excerpts of posts moderated later and states the law relied on."""

from __future__ import annotations

import pytest

from resonanz.accounts.models import Role
from resonanz.accounts.tests.factories import member_factory
from resonanz.core.errors import InvalidInput, NotAllowed
from resonanz.moderation import chain, services
from resonanz.moderation.errors import AuthorRestricted, RuleRequired, SelfAppealDecision
from resonanz.moderation.models import ModLogEntry
from resonanz.moderation.permissions import can_write, check_can_write
from resonanz.moderation.tests.factories import DEFAULT_RULES, post_with_labels, rule, rules_factory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]
WHY = "Beleidigung anderer Mitglieder."


def act(post, by, action="hide", **kwargs):
    kwargs.setdefault("rules", [rule(post.brand, 1)])
    return services.act_on_post(post, action=action, by=by, explanation=WHY, **kwargs)


def test_a_rule_of_an_older_version_is_not_a_citation(abusive_post, moderator, manager):
    old = rule(abusive_post.brand, 1)
    rules_factory(abusive_post.brand, by=manager, rules=[*DEFAULT_RULES, ("Beim Thema bleiben", "…")])
    with pytest.raises(RuleRequired, match="current version"):
        act(abusive_post, moderator, rules=[old])
    assert act(abusive_post, moderator).rules.get().version.number == 2


def test_moderators_do_not_decide_about_their_own_posts(brand, rules, moderator, moderator2):
    own = post_with_labels(brand, author=moderator, abuse=0.95)
    with pytest.raises(NotAllowed, match="your own post"):
        act(own, moderator)
    decision = act(own, moderator2, action="remove")
    services.open_appeal(decision, by=moderator, text="Das war ein Zitat, keine Beleidigung.")
    with pytest.raises(SelfAppealDecision, match="your own post"):
        services.decide_appeal(decision.appeal, by=moderator, outcome="reversed", reason="Es war ein Zitat.")


def test_the_author_cannot_be_the_second_pair_of_eyes(brand, rules, moderator, moderator2):
    third = member_factory(brand, Role.MODERATOR, username="mara")
    post = post_with_labels(brand, author=moderator2, criticism=True)
    proposal = act(post, moderator)
    assert proposal.status == "pending_approval"
    with pytest.raises(NotAllowed, match="your own post"):
        services.approve_decision(proposal, by=moderator2)
    with pytest.raises(NotAllowed, match="your own post"):
        services.reject_decision(proposal, by=moderator2, reason="Das ist doch sachliche Kritik.")
    assert services.approve_decision(proposal, by=third).status == "effective"


def test_hiding_a_hidden_post_is_refused_unless_confirming_an_automatic_hide(abusive_post, moderator):
    screened = services.screen_post(abusive_post)
    assert screened is not None and screened.needs_review
    confirmed = act(abusive_post, moderator)  # confirming the automatic hide is a real decision
    assert confirmed.status == "effective"
    with pytest.raises(InvalidInput, match="not visible already"):
        act(abusive_post, moderator)


def test_restricting_a_deleted_author_is_refused(abusive_post, moderator):
    abusive_post.author.delete()
    abusive_post.refresh_from_db()
    with pytest.raises(InvalidInput, match="no longer exists"):
        act(abusive_post, moderator, action="restrict", restrict_days=3)


def test_a_quoted_post_hidden_later_is_no_longer_quoted(abusive_post, moderator, member):
    services.report_post(abusive_post, reason="abuse", note="", by=member)
    act(abusive_post, moderator, action="dismiss")
    dismissed = ModLogEntry.objects.get(kind="decision")
    assert dismissed.excerpt_state == "shown" and "Idioten" in dismissed.excerpt
    act(abusive_post, moderator, action="remove")
    dismissed.refresh_from_db()
    assert (dismissed.excerpt_state, dismissed.excerpt) == ("withdrawn", "")
    assert dismissed.redacted_at is not None
    assert chain.verify_chain(abusive_post.brand).ok


def test_the_log_names_the_law_and_the_reasons_of_appeals_and_rejections(
    brand, rules, abusive_post, critical_post, moderator, moderator2
):
    removed = act(abusive_post, moderator, action="remove", legal_ground="§ 185 StGB")
    entry = ModLogEntry.objects.get(decision=removed)
    assert entry.payload["legal_ground"] == "§ 185 StGB" and entry.excerpt == ""
    services.open_appeal(removed, by=abusive_post.author, text="Bitte noch einmal prüfen, danke.")
    services.decide_appeal(removed.appeal, by=moderator2, outcome="upheld",
                           reason="Beleidigung, siehe @mia und a@b.de.")  # fmt: skip
    appeal_entry = ModLogEntry.objects.get(kind="appeal")
    assert appeal_entry.payload["reason"] == "Beleidigung, siehe @[user] und [e-mail]."
    proposal = act(critical_post, moderator)
    services.reject_decision(proposal, by=moderator2, reason="Das ist sachliche Kritik, sie bleibt.")
    assert (
        ModLogEntry.objects.get(kind="rejected").payload["reason"] == "Das ist sachliche Kritik, sie bleibt."
    )
    assert chain.verify_chain(brand).ok


def test_a_restricted_author_cannot_write_until_the_end_date(abusive_post, moderator):
    author = abusive_post.author
    assert can_write(author, abusive_post.brand)
    act(abusive_post, moderator, action="restrict", restrict_days=3)
    assert not can_write(author, abusive_post.brand)
    with pytest.raises(AuthorRestricted, match="restricted your account"):
        check_can_write(author, abusive_post.brand)
