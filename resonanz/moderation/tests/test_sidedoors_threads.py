"""Thread actions and restrictions go through the guard and the log, outside and inside a freeze.

Posts are made explicitly protected or unprotected (see ``PROTECTED``/``UNPROTECTED``), so the tests
hold under the criticism stub and the fail-closed guard alike.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from resonanz.accounts.models import Brand, Role, User
from resonanz.accounts.tests.factories import UserFactory, member_factory
from resonanz.community.models import Post, Thread, Visibility
from resonanz.community.tests.factories import post_factory, thread_factory
from resonanz.core.errors import InvalidInput, NotAllowed
from resonanz.moderation import selectors, services
from resonanz.moderation.errors import DeletionFrozen, SecondApprovalRequired, StaleDecision
from resonanz.moderation.models import Action, Appeal, ModerationDecision, ModLogEntry, Notice
from resonanz.moderation.tests.factories import rule

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("rules")]
Status = ModerationDecision.Status

PROTECTED = {"sentiment": "negative", "criticism": True}
UNPROTECTED = {"sentiment": "negative", "criticism": False, "abuse": True, "abuse_confident": True}
EXPLANATION = "Beleidigungen in diesem Thema."


def labelled(post: Post, labels: dict[str, object]) -> Post:
    post.labels = dict(labels)
    post.save(update_fields=["labels"])
    return post


def make_thread(brand: Brand, *, opening: dict[str, object], replies: list[dict[str, object]]) -> Thread:
    thread = thread_factory(brand, title="Pöbelei", body="Ihr seid alle Idioten.")
    labelled(thread.posts.get(is_opening=True), opening)
    for labels in replies:
        labelled(post_factory(thread, body="Der Service ist schlechter geworden."), labels)
    return thread


def act(thread: Thread, by: User, action: str = Action.HIDE, **kwargs: object) -> services.ThreadDecisions:
    return services.act_on_thread(
        thread, action=action, by=by, rules=[rule(thread.brand)], explanation=EXPLANATION, **kwargs
    )


def freeze(brand: Brand, manager: User) -> None:
    services.set_deletion_freeze(brand, on=True, reason="Shitstorm nach dem Rückruf.", by=manager)


def visibilities(thread: Thread) -> list[str]:
    return list(thread.posts.order_by("created_at", "id").values_list("visibility", flat=True))


def thread_visibility(thread: Thread) -> str:
    thread.refresh_from_db()
    return thread.visibility


# --- hiding the opening post alone -------------------------------------------------------------------


def test_hiding_the_opening_post_keeps_the_thread_and_its_replies(brand, moderator):
    thread = make_thread(brand, opening=UNPROTECTED, replies=[PROTECTED])
    services.hide_post(thread.posts.get(is_opening=True), by=moderator, rules=[rule(brand)],
                       explanation=EXPLANATION)  # fmt: skip
    assert visibilities(thread) == [Visibility.HIDDEN, Visibility.VISIBLE]
    assert thread_visibility(thread) == Visibility.VISIBLE


def test_a_thread_with_nothing_visible_left_disappears_and_comes_back_on_appeal(brand, moderator, moderator2):
    thread = make_thread(brand, opening=UNPROTECTED, replies=[])
    opening = thread.posts.get()
    decision = services.hide_post(opening, by=moderator, rules=[rule(brand)], explanation=EXPLANATION)
    assert thread_visibility(thread) == Visibility.HIDDEN
    appeal = services.open_appeal(decision, by=opening.author, text="Das war keine Beleidigung.")
    services.decide_appeal(appeal, by=moderator2, outcome=Appeal.Status.REVERSED, reason="Doch zulässig.")
    assert thread_visibility(thread) == Visibility.VISIBLE


# --- hiding or removing the whole thread ---------------------------------------------------------------


def test_thread_hide_is_one_decision_per_post_with_statement_and_log(brand, moderator):
    thread = make_thread(brand, opening=UNPROTECTED, replies=[UNPROTECTED, UNPROTECTED])
    log_before = ModLogEntry.objects.filter(brand=brand).count()
    result = act(thread, moderator)
    assert len(result.effective) == 3 and not result.pending
    assert visibilities(thread) == [Visibility.HIDDEN] * 3
    assert thread_visibility(thread) == Visibility.HIDDEN
    assert ModLogEntry.objects.filter(brand=brand).count() == log_before + 3
    authors = {post.author_id for post in thread.posts.all()}
    notified = set(Notice.objects.filter(kind=Notice.Kind.STATEMENT).values_list("recipient_id", flat=True))
    assert notified == authors
    reply_decision = next(d for d in result.decisions if not d.post.is_opening)  # type: ignore[union-attr]
    assert f"#{thread.pk}" in reply_decision.decision_facts  # the statement says it went with the thread


def test_reply_authors_of_a_hidden_thread_can_appeal(brand, moderator, moderator2):
    thread = make_thread(brand, opening=UNPROTECTED, replies=[UNPROTECTED])
    result = act(thread, moderator, action=Action.REMOVE)
    reply = thread.posts.get(is_opening=False)
    decision = next(d for d in result.decisions if d.post_id == reply.pk)
    assert decision.subject_id == reply.author_id and services.can_appeal(decision, reply.author)
    appeal = services.open_appeal(decision, by=reply.author, text="Meine Antwort war sachlich.")
    services.decide_appeal(appeal, by=moderator2, outcome=Appeal.Status.REVERSED, reason="Sachliche Kritik.")
    assert visibilities(thread) == [Visibility.REMOVED, Visibility.VISIBLE]
    assert thread_visibility(thread) == Visibility.VISIBLE  # reachable again, opening post as placeholder


def test_protected_replies_wait_for_a_second_moderator_and_stay_visible(brand, moderator, moderator2):
    thread = make_thread(brand, opening=UNPROTECTED, replies=[PROTECTED])
    result = act(thread, moderator)
    assert len(result.effective) == 1 and len(result.pending) == 1
    assert visibilities(thread) == [Visibility.HIDDEN, Visibility.VISIBLE]
    assert thread_visibility(thread) == Visibility.VISIBLE
    pending = result.pending[0]
    with pytest.raises(SecondApprovalRequired):
        services.approve_decision(pending, by=moderator)
    services.approve_decision(pending, by=moderator2)
    assert visibilities(thread) == [Visibility.HIDDEN, Visibility.HIDDEN]
    assert thread_visibility(thread) == Visibility.HIDDEN
    reply = thread.posts.get(is_opening=False)
    assert Notice.objects.filter(recipient=reply.author, kind=Notice.Kind.STATEMENT).exists()


def test_thread_hide_refused_in_a_freeze_when_a_post_is_protected(brand, moderator, manager):
    thread = make_thread(brand, opening=UNPROTECTED, replies=[PROTECTED])
    freeze(brand, manager)
    log_before = ModLogEntry.objects.filter(brand=brand).count()
    reply = thread.posts.get(is_opening=False)
    with pytest.raises(DeletionFrozen) as refused:
        act(thread, moderator)
    assert f"#{reply.pk}" in refused.value.message
    assert visibilities(thread) == [Visibility.VISIBLE, Visibility.VISIBLE]  # all or nothing
    assert not ModerationDecision.objects.filter(post__thread=thread).exists()
    assert ModLogEntry.objects.filter(brand=brand).count() == log_before


def test_thread_hide_in_a_freeze_with_a_logged_override(brand, moderator, moderator2, manager):
    thread = make_thread(brand, opening=UNPROTECTED, replies=[PROTECTED])
    freeze(brand, manager)
    reply = thread.posts.get(is_opening=False)
    services.record_freeze_override(reply, by=manager, reason="Volksverhetzung, gerichtlich bestätigt.")
    result = act(thread, moderator)
    assert len(result.pending) == 1  # the override lifts the freeze, not the four eyes
    services.approve_decision(result.pending[0], by=moderator2)
    assert visibilities(thread) == [Visibility.HIDDEN, Visibility.HIDDEN]
    kinds = list(ModLogEntry.objects.filter(brand=brand).values_list("kind", flat=True))
    assert ModLogEntry.Kind.FREEZE_OVERRIDE in kinds


def test_thread_hide_of_unprotected_posts_works_in_a_freeze(brand, moderator, manager):
    thread = make_thread(brand, opening=UNPROTECTED, replies=[UNPROTECTED])
    freeze(brand, manager)
    assert len(act(thread, moderator).effective) == 2


def test_thread_hide_refused_when_the_moderator_wrote_a_reply(brand, moderator):
    thread = make_thread(brand, opening=UNPROTECTED, replies=[])
    own = labelled(post_factory(thread, author=moderator, body="Bitte sachlich bleiben."), UNPROTECTED)
    with pytest.raises(NotAllowed) as refused:
        act(thread, moderator)
    assert f"#{own.pk}" in refused.value.message
    assert visibilities(thread) == [Visibility.VISIBLE, Visibility.VISIBLE]


def test_thread_action_needs_a_moderator_rule_and_explanation(brand, member, moderator):
    thread = make_thread(brand, opening=UNPROTECTED, replies=[])
    with pytest.raises(NotAllowed):
        act(thread, member)
    with pytest.raises(InvalidInput):
        services.act_on_thread(thread, action=Action.HIDE, by=moderator, rules=[], explanation=EXPLANATION)
    with pytest.raises(InvalidInput):
        services.act_on_thread(thread, action=Action.HIDE, by=moderator, rules=[rule(brand)], explanation="")
    assert visibilities(thread) == [Visibility.VISIBLE]


def test_stale_thread_state_is_refused(brand, moderator):
    thread = make_thread(brand, opening=UNPROTECTED, replies=[UNPROTECTED])
    seen = services.thread_state_token(thread)
    services.hide_post(thread.posts.get(is_opening=False), by=moderator, rules=[rule(brand)],
                       explanation=EXPLANATION)  # fmt: skip
    with pytest.raises(StaleDecision):
        act(thread, moderator, expected_state=seen)
    assert visibilities(thread) == [Visibility.VISIBLE, Visibility.HIDDEN]


# --- locking ---------------------------------------------------------------------------------------------


def test_locking_an_unprotected_thread_is_a_logged_decision(brand, moderator):
    thread = make_thread(brand, opening=UNPROTECTED, replies=[UNPROTECTED])
    decision = act(thread, moderator, action=Action.LOCK).decisions[0]
    thread.refresh_from_db()
    assert thread.is_locked and decision.status == Status.EFFECTIVE and decision.action == Action.LOCK
    entry = ModLogEntry.objects.get(decision=decision)
    assert entry.payload["action"] == "lock" and entry.payload["rules"]
    assert visibilities(thread) == [Visibility.VISIBLE, Visibility.VISIBLE]
    unlock = act(thread, moderator, action=Action.UNLOCK).decisions[0]
    thread.refresh_from_db()
    assert not thread.is_locked and ModLogEntry.objects.filter(decision=unlock).exists()


def test_locking_a_thread_with_protected_posts_needs_four_eyes(brand, moderator, moderator2):
    thread = make_thread(brand, opening=UNPROTECTED, replies=[PROTECTED])
    decision = act(thread, moderator, action=Action.LOCK).decisions[0]
    thread.refresh_from_db()
    assert decision.status == Status.PENDING_APPROVAL and decision.four_eyes and not thread.is_locked
    services.approve_decision(decision, by=moderator2)
    thread.refresh_from_db()
    assert thread.is_locked
    assert ModLogEntry.objects.get(decision=decision).payload["four_eyes"] is True


def test_locking_a_protected_thread_in_a_freeze_needs_an_override(brand, moderator, moderator2, manager):
    thread = make_thread(brand, opening=PROTECTED, replies=[])
    freeze(brand, manager)
    with pytest.raises(DeletionFrozen):
        act(thread, moderator, action=Action.LOCK)
    assert not ModerationDecision.objects.filter(post__thread=thread).exists()
    services.record_freeze_override(thread.posts.get(), by=manager, reason="Morddrohungen im Thema.")
    decision = act(thread, moderator, action=Action.LOCK).decisions[0]
    assert decision.freeze_override is not None
    services.approve_decision(decision, by=moderator2)
    thread.refresh_from_db()
    assert thread.is_locked


def test_lock_refusals(brand, moderator):
    thread = make_thread(brand, opening=UNPROTECTED, replies=[])
    thread.is_locked = True
    thread.save(update_fields=["is_locked"])
    with pytest.raises(InvalidInput):
        act(thread, moderator, action=Action.LOCK)
    own = thread_factory(brand, author=moderator)
    with pytest.raises(NotAllowed):
        act(own, moderator, action=Action.LOCK)


def test_post_actions_do_not_lock(brand, moderator):
    thread = make_thread(brand, opening=UNPROTECTED, replies=[])
    with pytest.raises(InvalidInput):
        services.act_on_post(thread.posts.get(), action=Action.LOCK, by=moderator, rules=[rule(brand)],
                             explanation=EXPLANATION)  # fmt: skip


# --- restricting an author ------------------------------------------------------------------------------


def restrict(post: Post, by: User) -> ModerationDecision:
    return services.restrict_author(post, by=by, rules=[rule(post.brand)], explanation=EXPLANATION,
                                    restrict_days=30)  # fmt: skip


def critic_with_neutral_post(brand: Brand, *, criticised_days_ago: int) -> Post:
    critic = UserFactory()
    old = labelled(
        thread_factory(brand, author=critic, body="Schon wieder Verspätung.").posts.get(), PROTECTED
    )
    Post.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=criticised_days_ago))
    return labelled(thread_factory(brand, author=critic, body="Wie spät ist es?").posts.get(), UNPROTECTED)


def test_restricting_a_recent_critic_needs_four_eyes(brand, moderator, moderator2):
    neutral = critic_with_neutral_post(brand, criticised_days_ago=30)
    decision = restrict(neutral, moderator)
    assert decision.status == Status.PENDING_APPROVAL and decision.four_eyes
    assert not selectors.active_restriction(neutral.author, brand)  # type: ignore[arg-type]
    services.approve_decision(decision, by=moderator2)
    assert selectors.active_restriction(neutral.author, brand)  # type: ignore[arg-type]


def test_restricting_an_author_whose_criticism_is_older_than_90_days(brand, moderator):
    neutral = critic_with_neutral_post(brand, criticised_days_ago=100)
    assert restrict(neutral, moderator).status == Status.EFFECTIVE


def test_restricting_a_recent_critic_is_frozen(brand, moderator, manager):
    neutral = critic_with_neutral_post(brand, criticised_days_ago=10)
    freeze(brand, manager)
    with pytest.raises(DeletionFrozen):
        restrict(neutral, moderator)
    assert not ModerationDecision.objects.filter(subject=neutral.author).exists()


def test_criticism_in_another_brand_does_not_count(brand, other_brand, moderator):
    neutral = critic_with_neutral_post(brand, criticised_days_ago=100)
    member_factory(other_brand, Role.MEMBER)
    other = labelled(thread_factory(other_brand, author=neutral.author).posts.get(), PROTECTED)
    assert other.brand_id != brand.pk
    assert restrict(neutral, moderator).status == Status.EFFECTIVE
