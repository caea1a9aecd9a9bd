"""Who may see and change insights: agents+ read dashboards, managers+ write strategy and settings."""

from __future__ import annotations

from resonanz.accounts.models import Brand, Role
from resonanz.accounts.permissions import AnyUser, check_role, has_role


def can_read(user: AnyUser | None, brand: Brand) -> bool:
    return has_role(user, brand, Role.AGENT)


def can_manage(user: AnyUser | None, brand: Brand) -> bool:
    return has_role(user, brand, Role.MANAGER)


def check_reader(user: AnyUser | None, brand: Brand) -> None:
    check_role(user, brand, Role.AGENT)


def check_manager(user: AnyUser | None, brand: Brand) -> None:
    check_role(user, brand, Role.MANAGER)
