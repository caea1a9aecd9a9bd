"""Moderator actions on a whole thread: hiding or removing it, locking and unlocking it.

A thread is never silenced as a unit behind its posts' backs. Hiding or removing a thread is a decision
about every post that would disappear, each through ``act_on_post``: each author gets the statement of
reasons and can appeal, protected posts wait for a second moderator (and stay visible meanwhile, the
thread reachable with a placeholder for what is gone), the deletion freeze applies post by post and
every decision is in the public log. Locking is one decision about the thread, logged, under the freeze,
and needs four eyes when the thread holds protected posts (a lock silences the replies still to come).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from resonanz.accounts.models import Role, User
from resonanz.accounts.permissions import AnyUser, check_authenticated, check_role
from resonanz.community.models import Post, Thread, Visibility
from resonanz.core.errors import Conflict, InvalidInput, NotAllowed
from resonanz.moderation.errors import DeletionFrozen, StaleDecision
from resonanz.moderation.models import Action, HouseRule, ModerationDecision, dsa
from resonanz.moderation.protection import is_protected
from resonanz.moderation.services.brand_settings import settings_for
from resonanz.moderation.services.decisions import (
    act_on_post,
    check_fresh,
    clean_explanation,
    clean_rules,
    lock_post,
)
from resonanz.moderation.services.effects import make_effective
from resonanz.moderation.services.freeze import check_freeze
from resonanz.moderation.services.statement import fill_statement

Status = ModerationDecision.Status
SILENCING_THREAD = (Action.HIDE, Action.REMOVE)
LOCKING_THREAD = (Action.LOCK, Action.UNLOCK)
THREAD_ACTION_CHOICES = (Action.HIDE, Action.REMOVE, Action.LOCK, Action.UNLOCK)


@dataclass
class ThreadDecisions:
    """What a thread action decided: one decision per post (hide/remove) or one for the thread (lock)."""

    thread: Thread
    decisions: list[ModerationDecision] = field(default_factory=list)

    @property
    def effective(self) -> list[ModerationDecision]:
        return [d for d in self.decisions if d.status == Status.EFFECTIVE]

    @property
    def pending(self) -> list[ModerationDecision]:
        return [d for d in self.decisions if d.status == Status.PENDING_APPROVAL]


def thread_state_token(thread: Thread) -> str:
    """What a moderator saw of the thread: its lock, its visible posts and the newest decision on any of
    them (a mismatch means someone acted in between)."""
    posts = Post.objects.filter(thread_id=thread.pk)
    visible = posts.filter(visibility=Visibility.VISIBLE).count()
    latest = ModerationDecision.objects.filter(post__thread_id=thread.pk).aggregate(m=Max("pk"))["m"] or 0
    locked = Thread.objects.filter(pk=thread.pk).values_list("is_locked", flat=True).first()
    return f"{'l' if locked else 'o'}.{visible}.{latest}"


def act_on_thread(
    thread: Thread,
    *,
    action: str,
    by: AnyUser,
    rules: Sequence[HouseRule | int],
    explanation: str,
    expected_state: str | None = None,
    category: str = "",
    legal_ground: str = "",
    facts: str = "",
) -> ThreadDecisions:
    """The one entry for thread actions (pages, API, admin); all or nothing in one transaction."""
    check_role(by, thread.brand, Role.MODERATOR)
    moderator = check_authenticated(by)
    if action not in THREAD_ACTION_CHOICES:
        raise InvalidInput({"action": _("Unknown thread action.")})
    with transaction.atomic():
        thread = Thread.objects.select_for_update(of=("self",)).select_related("brand").get(pk=thread.pk)
        if expected_state and expected_state != thread_state_token(thread):
            raise StaleDecision(
                _("Another moderator acted on this thread in the meantime. Please look at it again.")
            )
        if action in SILENCING_THREAD:
            return _silence_thread(
                thread, action=action, by=moderator, rules=rules, explanation=explanation,
                category=category, legal_ground=legal_ground, facts=facts,
            )  # fmt: skip
        return _lock_thread(
            thread, action=action, by=moderator, rules=rules, explanation=explanation,
            legal_ground=legal_ground, facts=facts,
        )  # fmt: skip


def _silence_thread(
    thread: Thread,
    *,
    action: str,
    by: User,
    rules: Sequence[HouseRule | int],
    explanation: str,
    category: str,
    legal_ground: str,
    facts: str,
) -> ThreadDecisions:
    posts = list(
        Post.objects.filter(thread=thread, visibility=Visibility.VISIBLE).order_by("created_at", "id")
    )
    if not posts:
        raise InvalidInput({"action": _("No post of this thread is visible; there is nothing to hide.")})
    # Each author's statement says that the post went with its thread, not only that it broke a rule.
    context = _("This post was acted on together with its whole thread (#%(thread)s).") % {
        "thread": thread.pk
    }
    result = ThreadDecisions(thread=thread)
    for post in posts:
        try:
            decision = act_on_post(
                post, action=action, by=by, rules=rules, explanation=explanation, category=category,
                legal_ground=legal_ground, facts=f"{(facts or explanation).strip()} {context}",
            )  # fmt: skip
        except (NotAllowed, Conflict) as exc:
            # The whole action is refused (the transaction rolls back); say which post stopped it.
            exc.message = _("Post #%(post)s of this thread: %(reason)s") % {
                "post": post.pk,
                "reason": exc.message,
            }
            exc.args = (exc.message,)
            raise
        result.decisions.append(decision)
    return result


def _lock_thread(
    thread: Thread,
    *,
    action: str,
    by: User,
    rules: Sequence[HouseRule | int],
    explanation: str,
    legal_ground: str,
    facts: str,
) -> ThreadDecisions:
    opening = Post.objects.filter(thread=thread, is_opening=True).first()
    if opening is None:
        raise InvalidInput({"action": _("Only forum threads can be locked here.")})
    if thread.is_locked == (action == Action.LOCK):
        message = _("The thread is locked already.") if thread.is_locked else _("The thread is not locked.")
        raise InvalidInput({"action": message})
    if thread.author_id == by.pk:
        raise NotAllowed(_("This is your own thread; another moderator must decide about it."))
    cited, explanation = clean_rules(opening, rules), clean_explanation(explanation)
    post = lock_post(opening)
    check_fresh(post, None)
    visible = Post.objects.filter(thread=thread, visibility=Visibility.VISIBLE)
    protected = action == Action.LOCK and any(is_protected(p) for p in visible.iterator())
    decision = ModerationDecision(
        brand=thread.brand, post=post, subject_id=None, action=action, explanation=explanation,
        decided_by=by, criticism=protected, four_eyes=protected,
    )  # fmt: skip
    try:
        decision.freeze_override = check_freeze(post, action=action, criticism=protected)
    except DeletionFrozen as exc:
        raise DeletionFrozen(
            _(
                "A deletion freeze is on: a thread with protected posts cannot be locked now. "
                "A manager can record an override for its opening post, which is logged publicly."
            )
        ) from exc
    decision.automated_detection = dsa.AutomatedDetection.NO
    decision.automated_decision = dsa.AutomatedDecision.NOT_AUTOMATED
    fill_statement(
        decision, post=post, rules=cited, reports=[], scope=settings_for(thread.brand).territorial_scope,
        legal_ground=legal_ground, facts=facts,
    )  # fmt: skip
    if action == Action.LOCK:  # nobody's text disappears; replying to it becomes impossible
        decision.decision_visibility = [dsa.DecisionVisibility.CONTENT_INTERACTION_RESTRICTED]
    decision.status = Status.PENDING_APPROVAL if decision.four_eyes else Status.EFFECTIVE
    decision.save()
    decision.rules.set(cited)
    if not decision.four_eyes:
        make_effective(decision, post=post)
    return ThreadDecisions(thread=thread, decisions=[decision])
