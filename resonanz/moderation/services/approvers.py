"""Who may be the second pair of eyes: a different, established person the proposer did not appoint.

The role grant record answers when someone became an approver (moderator, manager, admin or external
reviewer) and who appointed them; a membership older than the record counts from its creation.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.utils.translation import gettext as _

from resonanz.accounts.models import Brand, Membership, Role, User
from resonanz.accounts.permissions import AnyUser, check_authenticated, role_of
from resonanz.core.errors import NotAllowed
from resonanz.moderation import clock
from resonanz.moderation.errors import ApproverNotEligible, SecondApprovalRequired
from resonanz.moderation.models import ModerationDecision, RoleGrant
from resonanz.moderation.services.brand_settings import settings_for

APPROVING_ROLES = frozenset({Role.MODERATOR, Role.MANAGER, Role.ADMIN, Role.REVIEWER})
# How far the chain "appointed by someone appointed by the proposer" is followed.
MAX_APPOINTMENT_DEPTH = 10


def _approver_grant(user_id: int, brand: Brand) -> RoleGrant | None:
    """The grant by which the user last became an approver (from a non-approving role or none)."""
    grants = RoleGrant.objects.filter(brand=brand, user_id=user_id).order_by("-granted_at", "-id")
    for grant in grants:
        if grant.new_role not in APPROVING_ROLES:
            return None  # the approving role was withdrawn after this point: no current approver grant
        if grant.old_role not in APPROVING_ROLES:
            return grant
    return None


def approver_since(user: User, brand: Brand) -> datetime | None:
    """Since when ``user`` holds an approving role in ``brand`` without interruption, or None."""
    membership = Membership.objects.filter(brand=brand, user=user).first()
    if membership is None or membership.role not in APPROVING_ROLES:
        return None
    grant = _approver_grant(user.pk, brand)
    return grant.granted_at if grant is not None else membership.created_at


def appointed_by(user: User, brand: Brand, proposer_id: int) -> bool:
    """True when the proposer made ``user`` an approver, directly or through people they appointed."""
    seen: set[int] = set()
    current: int | None = user.pk
    for _depth in range(MAX_APPOINTMENT_DEPTH):
        if current is None or current in seen:
            return False
        seen.add(current)
        grant = _approver_grant(current, brand)
        if grant is None or grant.granted_by_id is None:
            return False
        if grant.granted_by_id == proposer_id:
            return True
        current = grant.granted_by_id
    return True  # a chain this long is not an independent second person; fail closed


def check_approving_role(user: User, brand: Brand) -> None:
    """Moderators, managers, admins and the external reviewer give second opinions; agents do not."""
    if role_of(user, brand) not in APPROVING_ROLES:
        raise NotAllowed(
            _("Only a moderator or the brand's external reviewer can approve or reject proposals.")
        )


def check_can_approve(decision: ModerationDecision, user: AnyUser) -> User:
    """The approver of ``decision``, or a refusal that says why this person cannot be the second pair of
    eyes."""
    approver = check_authenticated(user)
    brand = decision.brand
    role = role_of(approver, brand)
    if role not in APPROVING_ROLES:
        raise NotAllowed(
            _("Only a moderator or the brand's external reviewer can approve or reject proposals.")
        )
    if decision.decided_by_id == approver.pk:
        raise SecondApprovalRequired(
            _(
                "You proposed this decision; a protected post needs the approval of a second moderator or "
                "the external reviewer."
            )
        )
    if decision.subject_id == approver.pk:
        raise NotAllowed(_("This decision is about your own post; another moderator must approve it."))
    since = approver_since(approver, brand)
    if since is None:
        raise ApproverNotEligible(
            _("Your role comes from the platform, not from a membership in %(brand)s; approvals need a "
              "moderator or reviewer role granted in this brand.") % {"brand": brand.name}
        )  # fmt: skip
    days = settings_for(brand).approver_min_role_days
    if clock.now() - since < timedelta(days=days):
        raise ApproverNotEligible(
            _("Your role in %(brand)s is younger than %(days)s days; a newly appointed person cannot be the "
              "second pair of eyes yet.") % {"brand": brand.name, "days": days}
        )  # fmt: skip
    if decision.decided_by_id is not None and appointed_by(approver, brand, decision.decided_by_id):
        raise ApproverNotEligible(
            _(
                "The proposer of this decision appointed you; the second pair of eyes must be independent "
                "of them."
            )
        )
    return approver


def list_eligible_approvers(decision: ModerationDecision) -> list[User]:
    """Everyone who could approve ``decision`` now (for the proposal's log entry and the reviewers' page)."""
    candidates = User.objects.filter(
        is_active=True, memberships__brand=decision.brand, memberships__role__in=list(APPROVING_ROLES)
    )
    eligible = []
    for candidate in candidates:
        try:
            check_can_approve(decision, candidate)
        except NotAllowed:
            continue
        eligible.append(candidate)
    return eligible
