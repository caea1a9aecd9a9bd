"""Role changes in a brand: the one writer of memberships' roles, recorded and published.

A role change is a moderation fact: the criticism guard's second pair of eyes is only independent if
nobody can make a sock account moderator unseen. So every grant is recorded (``RoleGrant``: who, which
role before and after, granted by whom, when) and appended to the public log with roles, not names
("a person became moderator, granted by an admin"). Pages, API, CLI, demo and the Django admin call this.
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils.translation import gettext as _

from resonanz.accounts.models import Brand, Membership, Role, User
from resonanz.accounts.permissions import AnyUser, check_authenticated, check_role
from resonanz.core.errors import InvalidInput
from resonanz.moderation import clock
from resonanz.moderation.models import ModLogEntry, RoleGrant
from resonanz.moderation.services.log import append_entry, role_label


class _Operator:
    """The person at the command line (``resonanz demo``, installation scripts): trusted like the database
    operator, shown as "the operator" in the log."""


OPERATOR = _Operator()


def change_role(
    user: User,
    *,
    brand: Brand,
    role: Role | str | None,
    by: AnyUser | _Operator,
    at: datetime | None = None,
) -> Membership | None:
    """Give ``user`` the ``role`` in ``brand`` (None withdraws the membership); a brand admin decides.

    Returns the membership (None after a withdrawal). No change, no record: granting the role someone
    has already writes nothing.
    """
    if by is not OPERATOR:
        check_role(by, brand, Role.ADMIN)  # type: ignore[arg-type]
        granted_by: User | None = check_authenticated(by)  # type: ignore[arg-type]
    else:
        granted_by = None
    if role is not None and role not in Role.values:
        raise InvalidInput({"role": _("Unknown role.")})
    new_role = Role(role) if role is not None else None
    if not user.is_active:
        raise InvalidInput({"user": _("This account is deactivated.")})
    at = at or clock.now()
    by_role = role_label(granted_by, brand) if granted_by else "operator"  # before an admin changes their own
    with transaction.atomic():
        membership = Membership.objects.select_for_update().filter(brand=brand, user=user).first()
        old_role = Role(membership.role) if membership is not None else None
        if old_role == new_role:
            return membership
        if new_role is None:
            assert membership is not None  # old_role != new_role, so a membership exists
            membership.delete()
            membership = None
        elif membership is None:
            membership = Membership.objects.create(brand=brand, user=user, role=new_role)
        else:
            membership.role = new_role
            membership.save(update_fields=["role", "updated_at"])
        RoleGrant.objects.create(
            brand=brand, user=user, old_role=old_role or "", new_role=new_role or "", granted_by=granted_by,
            granted_at=at,
        )  # fmt: skip
        user.__dict__.pop("_brand_roles", None)  # the cached role of this user object is stale now
        append_entry(
            brand, kind=ModLogEntry.Kind.ROLE, at=at,
            payload={
                "old_role": old_role.value if old_role else None,
                "new_role": new_role.value if new_role else None,
                "by_role": by_role,
            },
        )  # fmt: skip
    return membership
