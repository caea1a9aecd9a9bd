"""Reads of channels, scoped to a brand: admins manage them, agents see their names for filters."""

from __future__ import annotations

from django.db.models import Count, QuerySet

from resonanz.accounts.models import Brand, Role
from resonanz.accounts.permissions import AnyUser, check_role
from resonanz.core.errors import NotFound
from resonanz.sources.models import Channel, DeadLetter


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


def list_dead_letters(
    brand: Brand,
    *,
    viewer: AnyUser,
    channel: Channel | None = None,
    status: str | None = DeadLetter.Status.OPEN,
) -> QuerySet[DeadLetter]:
    """The brand's dead letters (open ones by default), newest first; admins only (raw payloads)."""
    check_role(viewer, brand, Role.ADMIN)
    letters = DeadLetter.objects.filter(channel__brand=brand).select_related("channel")
    if channel is not None:
        letters = letters.filter(channel=channel)
    return letters.filter(status=status) if status else letters


def get_dead_letter(brand: Brand, letter_id: int, *, viewer: AnyUser) -> DeadLetter:
    check_role(viewer, brand, Role.ADMIN)
    found = DeadLetter.objects.filter(channel__brand=brand, pk=letter_id).select_related("channel__brand")
    letter = found.first()
    if letter is None:
        raise NotFound(f"unknown dead letter {letter_id}")
    return letter


def count_open_dead_letters(channels: list[Channel]) -> dict[int, int]:
    rows = (
        DeadLetter.objects.filter(channel__in=channels, status=DeadLetter.Status.OPEN)
        .values("channel_id")
        .annotate(n=Count("id"))
    )
    return {row["channel_id"]: row["n"] for row in rows}
