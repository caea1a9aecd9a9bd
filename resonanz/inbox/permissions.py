"""Who may do what in the inbox: agents+ work it, moderators clear the abuse flag, managers set
targets and saved replies, admins manage channels and webhooks. Members and other brands get nothing
(their ids are NotFound)."""

from __future__ import annotations

from resonanz.accounts.models import Brand, Role, User
from resonanz.accounts.permissions import AnyUser, check_authenticated, check_role, has_role


def can_work_inbox(user: AnyUser | None, brand: Brand) -> bool:
    return has_role(user, brand, Role.AGENT)


def check_agent(user: AnyUser | None, brand: Brand) -> User:
    check_role(user, brand, Role.AGENT)
    return check_authenticated(user)


def check_moderator(user: AnyUser | None, brand: Brand) -> User:
    check_role(user, brand, Role.MODERATOR)
    return check_authenticated(user)


def check_manager(user: AnyUser | None, brand: Brand) -> User:
    check_role(user, brand, Role.MANAGER)
    return check_authenticated(user)


def check_admin(user: AnyUser | None, brand: Brand) -> User:
    check_role(user, brand, Role.ADMIN)
    return check_authenticated(user)
