"""Moderator actions on a post: validated, checked against concurrent moderators, the criticism guard
and the deletion freeze, then applied (or held for a second moderator's approval)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from resonanz.accounts.models import Role, User
from resonanz.accounts.permissions import AnyUser, check_authenticated, check_role
from resonanz.community.models import Post, Visibility
from resonanz.core.errors import InvalidInput, NotAllowed
from resonanz.moderation import clock, protection, selectors
from resonanz.moderation.errors import ExplanationRequired, RuleRequired, StaleDecision
from resonanz.moderation.models import (
    POST_ACTIONS,
    SILENCING,
    Action,
    HouseRule,
    ModerationDecision,
    ModLogEntry,
    Report,
    dsa,
)
from resonanz.moderation.services.approvers import list_eligible_approvers
from resonanz.moderation.services.brand_settings import settings_for
from resonanz.moderation.services.effects import decision_payload, make_effective
from resonanz.moderation.services.freeze import check_freeze
from resonanz.moderation.services.log import append_entry
from resonanz.moderation.services.restrictions import wrote_protected_posts
from resonanz.moderation.services.statement import default_category, fill_statement

Status = ModerationDecision.Status
MAX_RESTRICT_DAYS = 365
# The public log's marker of a protected post silenced by one moderator under content-independent rules.
CONTENT_INDEPENDENT = "content_independent_rule"


def clean_rules(post: Post, rules: Sequence[HouseRule | int]) -> list[HouseRule]:
    """The cited rules, all of the brand's current house rules version (older versions stay readable,
    but a new decision applies the rules in force)."""
    ids = [rule.pk if isinstance(rule, HouseRule) else int(rule) for rule in rules or ()]
    cited = selectors.list_rules_by_ids(post.brand, ids)
    if not cited or len(cited) != len(set(ids)):
        raise RuleRequired(_("Please cite at least one house rule of this community."))
    current = selectors.get_current_rules(post.brand)
    if current is None or any(rule.version_id != current.pk for rule in cited):
        raise RuleRequired(_("Please cite the current version of the house rules."))
    return sorted(cited, key=lambda rule: rule.number)


def clean_explanation(explanation: str) -> str:
    explanation = (explanation or "").strip()
    if len(explanation) < 10:
        raise ExplanationRequired(_("Please explain the decision to the author (at least 10 characters)."))
    if len(explanation) > 2000:
        raise ExplanationRequired(_("The explanation is too long (at most 2000 characters)."))
    return explanation


def clean_restriction_days(action: str, days: int | None) -> int | None:
    if action != Action.RESTRICT:
        return None
    if days is None or not 1 <= days <= MAX_RESTRICT_DAYS:
        raise InvalidInput({"restrict_days": _("Restrict for 1 to 365 days.")})
    return days


def check_applicable(post: Post, action: str, *, moderator: User) -> None:
    """Refuse actions that would change nothing (so the log holds no empty decisions) and decisions
    about one's own post (a conflict of interest: another moderator decides)."""
    if post.author_id == moderator.pk:
        raise NotAllowed(_("This is your own post; another moderator must decide about it."))
    if action == Action.RESTORE and post.visibility == Visibility.DELETED:  # the author withdrew it
        raise InvalidInput({"action": _("The author deleted this post; it cannot be restored.")})
    if action == Action.RESTORE and post.visibility == Visibility.VISIBLE:
        raise InvalidInput({"action": _("The post is visible; there is nothing to restore.")})
    if action in (Action.REMOVE, Action.SPAM) and post.visibility == Visibility.REMOVED:
        raise InvalidInput({"action": _("The post is removed already.")})
    if action == Action.HIDE and post.visibility != Visibility.VISIBLE and not _awaits_review(post):
        raise InvalidInput({"action": _("The post is not visible already.")})
    if action == Action.RESTRICT and post.author_id is None:
        raise InvalidInput({"action": _("The author's account no longer exists.")})
    if action == Action.DISMISS and not Report.objects.filter(post=post, status=Report.Status.OPEN).exists():
        raise InvalidInput({"action": _("There are no open reports to dismiss.")})


def _awaits_review(post: Post) -> bool:
    """Hidden by the automatic screening and not yet looked at: a moderator confirms with "hide"."""
    return ModerationDecision.objects.filter(post=post, needs_review=True, status=Status.EFFECTIVE).exists()


def describe(decision: ModerationDecision | None) -> str:
    """One sentence on what another moderator did, for the loser of a race."""
    if decision is None:
        return _("The post changed in the meantime.")
    who = decision.decided_by.username if decision.decided_by else _("the automatic screening")
    if decision.status in (Status.EFFECTIVE, Status.SUPERSEDED) and decision.approved_by:
        who = decision.approved_by.username
    elif decision.status == Status.REJECTED and decision.rejected_by:
        who = decision.rejected_by.username
    when = timezone.localtime(decision.effective_at or decision.created_at)
    return _("In the meantime %(who)s acted: %(action)s (%(status)s) at %(time)s.") % {
        "who": who, "action": decision.get_action_display(), "status": decision.get_status_display(),
        "time": date_format(when, "SHORT_DATETIME_FORMAT"),
    }  # fmt: skip


def lock_post(post: Post) -> Post:
    return Post.objects.select_for_update().select_related("brand", "thread").get(pk=post.pk)


def check_fresh(post: Post, expected_state: str | None) -> None:
    """Refuse if another moderator acted since ``expected_state`` was read, or a proposal is waiting."""
    if expected_state is not None and expected_state != selectors.state_token(post):
        raise StaleDecision(describe(selectors.latest_decision(post)) + " " + _("Please look at it again."))
    pending = selectors.pending_decision(post)
    if pending is not None:
        raise StaleDecision(
            _("A proposal (%(action)s) waits for a second moderator; approve or reject it first.")
            % {"action": pending.get_action_display()}
        )


def _new_decision(post: Post, *, action: str, by: User, explanation: str) -> ModerationDecision:
    return ModerationDecision(
        brand=post.brand, post=post, subject_id=post.author_id, action=action, explanation=explanation,
        decided_by=by, criticism=selectors.is_criticism(post),
        protection=protection.protection_reason(post) or "",
    )  # fmt: skip


def apply_guard(decision: ModerationDecision, post: Post, *, cited: Sequence[HouseRule]) -> None:
    """Decide whether the silencing action needs four eyes: every protected post does, unless only
    content-independent rules are cited (then a critical-looking post is marked in the public log)."""
    if decision.action not in SILENCING:
        return
    content_independent = all(rule.content_independent for rule in cited)
    decision.four_eyes = bool(decision.protection) and not content_independent
    if content_independent and protection.looks_critical(post):
        decision.guard_note = CONTENT_INDEPENDENT


def publish_proposal(decision: ModerationDecision) -> None:
    """A proposal is public from the start: the log says that a second person is awaited and whether one
    is eligible now (a single-moderator brand waits for its external reviewer). Never a silent removal."""
    payload = {**decision_payload(decision), "approver_available": bool(list_eligible_approvers(decision))}
    append_entry(
        decision.brand, kind=ModLogEntry.Kind.PROPOSED, payload=payload, decision=decision,
        excerpt_state=ModLogEntry.ExcerptState.WITHHELD,
    )  # fmt: skip


def act_on_post(
    post: Post,
    *,
    action: str,
    by: AnyUser,
    rules: Sequence[HouseRule | int],
    explanation: str,
    expected_state: str | None = None,
    restrict_days: int | None = None,
    category: str = "",
    keywords: Sequence[str] = (),
    legal_ground: str = "",
    facts: str = "",
) -> ModerationDecision:
    """The one entry for moderator actions. Returns the decision: effective, or pending approval when
    the criticism guard wants a second person (the post then stays as it is, the proposal is logged)."""
    check_role(by, post.brand, Role.MODERATOR)
    moderator = check_authenticated(by)
    if action not in POST_ACTIONS:  # thread actions go through act_on_thread
        raise InvalidInput({"action": _("Unknown action.")})
    if category and category not in dsa.StatementCategory.values:
        raise InvalidInput({"category": _("Unknown category.")})
    if any(k not in dsa.CategoryKeyword.values for k in keywords):
        raise InvalidInput({"keywords": _("Unknown keyword.")})
    cited, explanation = clean_rules(post, rules), clean_explanation(explanation)
    days = clean_restriction_days(action, restrict_days)
    with transaction.atomic():
        post = lock_post(post)
        check_fresh(post, expected_state)
        check_applicable(post, action, moderator=moderator)
        decision = _new_decision(post, action=action, by=moderator, explanation=explanation)
        # A restriction silences the author: guarded also when they wrote protected posts lately.
        if action == Action.RESTRICT and not decision.protection and wrote_protected_posts(post):
            decision.protection = protection.AUTHOR_PROTECTED
        apply_guard(decision, post, cited=cited)
        decision.freeze_override = check_freeze(post, action=action, criticism=bool(decision.protection))
        reports = list(Report.objects.filter(post=post, status=Report.Status.OPEN))
        decision.category = category or default_category(action, reports)
        decision.category_specification = list(keywords)
        _fill_automation(decision, post)
        until = clock.now() + timedelta(days=days) if days else None
        scope = settings_for(post.brand).territorial_scope
        fill_statement(
            decision, post=post, rules=cited, reports=reports, scope=scope, legal_ground=legal_ground,
            facts=facts, until=until,
        )  # fmt: skip
        decision.status = Status.PENDING_APPROVAL if decision.four_eyes else Status.EFFECTIVE
        decision.save()
        decision.rules.set(cited)
        if decision.four_eyes:
            publish_proposal(decision)
        else:
            make_effective(decision, post=post)
    return decision


def _fill_automation(decision: ModerationDecision, post: Post) -> None:
    """A human decision; detection was automated if the automatic screening flagged the post first."""
    flagged = (
        ModerationDecision.objects.filter(post=post, decided_by__isnull=True).exists()
        or Report.objects.filter(post=post, automated=True).exists()
    )
    decision.automated_detection = dsa.AutomatedDetection.YES if flagged else dsa.AutomatedDetection.NO
    decision.automated_decision = dsa.AutomatedDecision.NOT_AUTOMATED


def hide_post(post: Post, **kwargs: Any) -> ModerationDecision:
    return act_on_post(post, action=Action.HIDE, **kwargs)


def remove_post(post: Post, **kwargs: Any) -> ModerationDecision:
    return act_on_post(post, action=Action.REMOVE, **kwargs)


def restrict_author(post: Post, **kwargs: Any) -> ModerationDecision:
    return act_on_post(post, action=Action.RESTRICT, **kwargs)


def mark_spam(post: Post, **kwargs: Any) -> ModerationDecision:
    return act_on_post(post, action=Action.SPAM, **kwargs)


def restore_post(post: Post, **kwargs: Any) -> ModerationDecision:
    return act_on_post(post, action=Action.RESTORE, **kwargs)


def dismiss_reports(post: Post, **kwargs: Any) -> ModerationDecision:
    return act_on_post(post, action=Action.DISMISS, **kwargs)
