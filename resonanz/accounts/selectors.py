"""Reads about brands, users and memberships."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Q, QuerySet

from resonanz.accounts.models import Brand, Membership, User
from resonanz.core.errors import NotFound


def list_brands() -> QuerySet[Brand]:
    return Brand.objects.filter(is_active=True)


def get_brand(slug: str) -> Brand:
    try:
        return Brand.objects.get(slug=slug, is_active=True)
    except Brand.DoesNotExist as exc:
        raise NotFound(f"unknown brand {slug!r}") from exc


def get_user_by_handle(handle: str) -> User:
    try:
        return User.objects.get(username__iexact=handle, is_active=True)
    except User.DoesNotExist as exc:
        raise NotFound(f"unknown user {handle!r}") from exc


def list_existing_handles(names: Iterable[str]) -> dict[str, str]:
    """Map lower-case names to the stored user name, for @mention links (one query, at most 20 names)."""
    wanted = sorted({name.lower() for name in names})[:20]
    if not wanted:
        return {}
    query = Q()
    for name in wanted:
        query |= Q(username__iexact=name)
    found = User.objects.filter(query, is_active=True).values_list("username", flat=True)
    return {name.lower(): name for name in found}


def list_memberships(user: User) -> QuerySet[Membership]:
    return Membership.objects.filter(user=user).select_related("brand")
