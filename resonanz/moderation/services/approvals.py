"""The criticism guard's second pair of eyes: another moderator or the brand's external reviewer approves
or rejects a proposal (who is eligible: ``services.approvers``)."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from resonanz.accounts.permissions import AnyUser, check_authenticated
from resonanz.community.models import Post
from resonanz.core.errors import NotAllowed
from resonanz.moderation.dsa_export import scrub
from resonanz.moderation.errors import ExplanationRequired, StaleDecision
from resonanz.moderation.models import ModerationDecision, ModLogEntry
from resonanz.moderation.services.approvers import check_approving_role, check_can_approve
from resonanz.moderation.services.decisions import describe, lock_post
from resonanz.moderation.services.effects import decision_payload, make_effective
from resonanz.moderation.services.freeze import check_freeze
from resonanz.moderation.services.log import append_entry, excerpt_of, role_label

Status = ModerationDecision.Status


def _lock_pending(decision: ModerationDecision) -> tuple[ModerationDecision, Post | None]:
    post = lock_post(decision.post) if decision.post_id else None  # type: ignore[arg-type]
    decision = ModerationDecision.objects.select_for_update().select_related("brand").get(pk=decision.pk)
    if decision.status != Status.PENDING_APPROVAL:
        raise StaleDecision(describe(decision))
    return decision, post


def approve_decision(decision: ModerationDecision, *, by: AnyUser) -> ModerationDecision:
    """A second person approves: the decision takes effect now and is logged with the four-eyes flag."""
    check_can_approve(decision, by)
    with transaction.atomic():
        decision, post = _lock_pending(decision)
        approver = check_can_approve(decision, by)  # again on the locked row: nothing changed meanwhile
        if post is not None:
            decision.freeze_override = check_freeze(post, action=decision.action, criticism=True)
            decision.save(update_fields=["freeze_override"])
        decision.approved_by = approver
        make_effective(decision, post=post)
    return decision


def reject_decision(decision: ModerationDecision, *, by: AnyUser, reason: str) -> ModerationDecision:
    """Another moderator, the external reviewer or the proposer (withdrawing) rejects: the post stays; the
    public log shows that the criticism guard held. Keeping a post needs no seniority."""
    rejecter = check_authenticated(by)
    check_approving_role(rejecter, decision.brand)
    reason = (reason or "").strip()
    if len(reason) < 10:
        raise ExplanationRequired(_("Please give a reason (at least 10 characters)."), field="reason")
    with transaction.atomic():
        decision, post = _lock_pending(decision)
        if decision.subject_id == rejecter.pk:
            raise NotAllowed(_("This decision is about your own post; another moderator must decide."))
        decision.status, decision.rejected_by, decision.second_reason = (
            Status.REJECTED,
            rejecter,
            reason[:2000],
        )
        decision.save(update_fields=["status", "rejected_by", "second_reason"])
        payload = {
            **decision_payload(decision), "rejected_by_role": role_label(rejecter, decision.brand),
            "reason": scrub(decision.second_reason),  # public, like an appeal's reasons
        }  # fmt: skip
        append_entry(
            decision.brand, kind=ModLogEntry.Kind.REJECTED, payload=payload, decision=decision,
            excerpt=excerpt_of(post), excerpt_state=ModLogEntry.ExcerptState.SHOWN,
        )  # fmt: skip
    return decision
