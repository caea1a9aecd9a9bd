"""Appeals (DSA Art. 20): the author complains once per decision within the window; another moderator
decides with reasons; the outcome is logged and sent."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils.translation import gettext as _

from resonanz.accounts.models import Role
from resonanz.accounts.permissions import AnyUser, check_authenticated, check_role
from resonanz.community.models import Post, Visibility
from resonanz.core.errors import InvalidInput, NotAllowed
from resonanz.moderation import clock
from resonanz.moderation.dsa_export import scrub
from resonanz.moderation.errors import (
    AlreadyAppealed,
    AppealWindowClosed,
    ExplanationRequired,
    SelfAppealDecision,
    StaleDecision,
)
from resonanz.moderation.models import (
    RESTRICTING,
    Action,
    Appeal,
    ModerationDecision,
    ModLogEntry,
    Notice,
    Restriction,
)
from resonanz.moderation.services.brand_settings import settings_for
from resonanz.moderation.services.effects import set_visibility
from resonanz.moderation.services.log import append_entry, role_label
from resonanz.moderation.services.notices import appeal_deadline, notify

Status = ModerationDecision.Status


def appeal_until(decision: ModerationDecision) -> datetime:
    """The end of the appeal window (at least six months after the decision took effect)."""
    return appeal_deadline(decision, settings_for(decision.brand).appeal_window_days)


def can_appeal(decision: ModerationDecision, user: AnyUser) -> bool:
    try:
        check_can_appeal(decision, user)
    except (NotAllowed, AlreadyAppealed):
        return False
    return True


def check_can_appeal(decision: ModerationDecision, user: AnyUser) -> None:
    author = check_authenticated(user)
    if decision.subject_id != author.pk:
        raise NotAllowed(_("Only the author concerned can appeal this decision."))
    if decision.action not in RESTRICTING or decision.status not in (Status.EFFECTIVE, Status.SUPERSEDED):
        raise NotAllowed(_("This decision cannot be appealed."))
    if Appeal.objects.filter(decision=decision).exists():
        raise AlreadyAppealed(
            _("You have appealed this decision already; each decision can be appealed once.")
        )
    if clock.now() > appeal_until(decision):
        window = settings_for(decision.brand).appeal_window_days
        raise AppealWindowClosed(_("The appeal period of %(days)s days has ended.") % {"days": window})


@transaction.atomic
def open_appeal(decision: ModerationDecision, *, by: AnyUser, text: str) -> Appeal:
    text = (text or "").strip()
    if not 10 <= len(text) <= 4000:
        raise InvalidInput({"text": _("Please explain your appeal in 10 to 4000 characters.")})
    decision = ModerationDecision.objects.select_for_update().get(pk=decision.pk)
    check_can_appeal(decision, by)
    return Appeal.objects.create(decision=decision, author=check_authenticated(by), text=text)


def _reverse(decision: ModerationDecision, at: datetime) -> None:
    """Undo the decision's effect, if it is still the one in force on the post or the account."""
    was_current = decision.status == Status.EFFECTIVE
    decision.status, decision.reversed_at = Status.REVERSED, at
    decision.save(update_fields=["status", "reversed_at"])
    if decision.action == Action.RESTRICT:
        Restriction.objects.filter(decision=decision).update(lifted_at=at)
    elif was_current and decision.post_id:
        post = Post.objects.select_for_update().get(pk=decision.post_id)
        set_visibility(post, Visibility.VISIBLE)


def decide_appeal(appeal: Appeal, *, by: AnyUser, outcome: str, reason: str) -> Appeal:
    """``outcome`` is "upheld" or "reversed"; the decider must not have made or approved the decision."""
    decision = appeal.decision
    check_role(by, decision.brand, Role.MODERATOR)
    moderator = check_authenticated(by)
    if outcome not in (Appeal.Status.UPHELD, Appeal.Status.REVERSED):
        raise InvalidInput({"outcome": _("Choose whether the decision is upheld or reversed.")})
    reason = (reason or "").strip()
    if len(reason) < 10:
        raise ExplanationRequired(
            _("Please give the author your reasons (at least 10 characters)."), field="reason"
        )
    if moderator.pk in (decision.decided_by_id, decision.approved_by_id):
        raise SelfAppealDecision(
            _("Another moderator must decide this appeal: you took part in the decision.")
        )
    if moderator.pk == decision.subject_id:
        raise SelfAppealDecision(_("Another moderator must decide this appeal: it is about your own post."))
    with transaction.atomic():
        appeal = Appeal.objects.select_for_update().select_related("decision").get(pk=appeal.pk)
        if appeal.status != Appeal.Status.OPEN:
            raise StaleDecision(_("This appeal has been decided already."))
        now = clock.now()
        appeal.status, appeal.decided_by, appeal.reason, appeal.decided_at = (
            outcome,
            moderator,
            reason[:2000],
            now,
        )
        appeal.save(update_fields=["status", "decided_by", "reason", "decided_at"])
        decision = ModerationDecision.objects.select_for_update().get(pk=appeal.decision_id)
        if outcome == Appeal.Status.REVERSED:
            _reverse(decision, now)
        append_entry(
            decision.brand, kind=ModLogEntry.Kind.APPEAL, decision=decision,
            payload={
                "decision": decision.puid, "outcome": outcome, "action": decision.action,
                "decided_by_role": role_label(moderator, decision.brand),
                # The reasons are public (the form says so); handles and addresses are scrubbed.
                "reason": scrub(reason)[:2000],
            },
        )  # fmt: skip
        notify(decision, recipient=appeal.author, kind=Notice.Kind.APPEAL_OUTCOME)
    return appeal
