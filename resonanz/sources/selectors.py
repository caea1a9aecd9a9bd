"""Reads of channels, scoped to a brand: admins manage them, agents see their names for filters."""

from __future__ import annotations

from django.db.models import QuerySet

from resonanz.accounts.models import Brand, Role
from resonanz.accounts.permissions import AnyUser, check_role
from resonanz.core.errors import NotFound
from resonanz.sources.models import Channel


def list_channels(brand: Brand, *, viewer: AnyUser, minimum: Role = Role.AGENT) -> QuerySet[Channel]:
    check_role(viewer, brand, minimum)
    return Channel.objects.filter(brand=brand)


def get_channel(
    brand: Brand, channel_id: int | str, *, viewer: AnyUser, minimum: Role = Role.ADMIN
) -> Channel:
    """A channel by id or slug-like name; other brands' channels are NotFound, not forbidden."""
    check_role(viewer, brand, minimum)
    return find_channel(brand, channel_id)


def find_channel(brand: Brand | None, key: int | str) -> Channel:
    """By numeric id, uuid or exact name (for the CLI); ``brand`` None means any brand (CLI only)."""
    channels = Channel.objects.all() if brand is None else Channel.objects.filter(brand=brand)
    text = str(key)
    if text.isdigit():
        found = channels.filter(pk=int(text)).first()
    elif len(text) == 36 and text.count("-") == 4:
        found = channels.filter(uuid=text).first()
    else:
        found = channels.filter(name__iexact=text).first()
    if found is None:
        raise NotFound(f"unknown channel {key!r}")
    return found
