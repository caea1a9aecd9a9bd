"""Who may see and handle alerts: agents+ read them, managers+ acknowledge, resolve and open a crisis."""

from __future__ import annotations

from resonanz.accounts.models import Brand, Role
from resonanz.accounts.permissions import AnyUser, check_role, has_role


def can_handle(user: AnyUser | None, brand: Brand) -> bool:
    return has_role(user, brand, Role.MANAGER)


def check_reader(user: AnyUser | None, brand: Brand) -> None:
    check_role(user, brand, Role.AGENT)


def check_handler(user: AnyUser | None, brand: Brand) -> None:
    check_role(user, brand, Role.MANAGER)
