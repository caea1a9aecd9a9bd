"""Writes on channels: create, update (secrets write-only), the automatic community channel, poll state."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from resonanz.accounts.models import Brand, Role
from resonanz.accounts.permissions import AnyUser, check_role
from resonanz.core.errors import InvalidInput
from resonanz.sources.connectors import CONNECTORS
from resonanz.sources.crypto import CredentialError, decrypt_credentials, encrypt_credentials, resolve
from resonanz.sources.models import Channel, ChannelKind
from resonanz.sources.validation import check_complete, clean_config, clean_secrets

# Secrets a connector stores for itself (not entered by anyone).
CONNECTOR_SECRETS = ("session", "session_service")


@transaction.atomic
def create_channel(
    brand: Brand,
    *,
    kind: str,
    name: str,
    config: dict[str, Any] | None = None,
    secrets: dict[str, str] | None = None,
    enabled: bool = True,
    by: AnyUser,
) -> Channel:
    """A new channel; an enabled one needs its required settings (a disabled one may be a draft)."""
    check_role(by, brand, Role.ADMIN)
    if kind not in CONNECTORS or kind == ChannelKind.COMMUNITY:
        raise InvalidInput({"kind": _("Unknown channel kind.")})
    if not name.strip():
        raise InvalidInput({"name": _("Please give the channel a name.")})
    config, secrets = clean_config(kind, config or {}), clean_secrets(kind, secrets or {})
    if enabled:
        check_complete(kind, config, secrets)
    return Channel.objects.create(
        brand=brand,
        kind=kind,
        name=name.strip()[:120],
        config=config,
        credentials=encrypt_credentials(secrets),
        enabled=enabled,
    )


@transaction.atomic
def update_channel(
    channel: Channel,
    *,
    by: AnyUser,
    name: str | None = None,
    config: dict[str, Any] | None = None,
    secrets: dict[str, str] | None = None,
    enabled: bool | None = None,
) -> Channel:
    """Change settings; a secret left empty keeps the stored one (secrets are never shown again)."""
    check_role(by, channel.brand, Role.ADMIN)
    channel = Channel.objects.select_for_update().get(pk=channel.pk)
    if name is not None and name.strip():
        channel.name = name.strip()[:120]
    if config is not None:
        channel.config = clean_config(channel.kind, config)
    try:
        stored = decrypt_credentials(channel.credentials)
    except CredentialError:
        if not secrets:
            raise
        stored = {}  # the key changed: the secrets entered now replace the unreadable ones
    if secrets:
        # New secrets (another account, a new app password): sessions of the old ones are dropped.
        stored = {key: value for key, value in stored.items() if key not in CONNECTOR_SECRETS}
        stored |= clean_secrets(channel.kind, secrets)
        channel.credentials = encrypt_credentials(stored)
    if enabled is not None:
        channel.enabled = enabled
    if channel.enabled and channel.kind != ChannelKind.COMMUNITY:
        check_complete(channel.kind, channel.config, stored)
    channel.save()
    return channel


def store_connector_secrets(channel: Channel, values: dict[str, str]) -> None:
    """Secrets the connector itself manages (a Bluesky session), merged into the encrypted credentials
    in their own short transaction, so a poll that fails later still keeps them."""
    with transaction.atomic():
        locked = Channel.objects.select_for_update().get(pk=channel.pk)
        stored = decrypt_credentials(locked.credentials) | values
        locked.credentials = encrypt_credentials(stored)
        Channel.objects.filter(pk=channel.pk).update(credentials=locked.credentials)
    channel.credentials = locked.credentials


def channel_secrets(channel: Channel) -> dict[str, str]:
    """The channel's secrets in plain text, with ``env:`` references resolved — for connectors only."""
    return resolve(decrypt_credentials(channel.credentials))


def get_community_channel(brand: Brand) -> Channel:
    """The brand's automatic community channel, created on first use (race-safe)."""
    channel = Channel.objects.filter(brand=brand, kind=ChannelKind.COMMUNITY).first()
    if channel is not None:
        return channel
    try:
        with transaction.atomic():
            return Channel.objects.create(brand=brand, kind=ChannelKind.COMMUNITY, name=_("Community"))
    except IntegrityError:  # another worker created it first
        return Channel.objects.get(brand=brand, kind=ChannelKind.COMMUNITY)


def save_poll_state(
    channel: Channel, *, state: dict[str, Any], error: str = "", retry_after: int | None = None
) -> None:
    """Keep the cursor and the outcome of a poll; errors stay visible on the channel page. The next
    poll is due after the connector's interval, or later if the remote asked us to wait."""
    now = timezone.now()
    wait = max(CONNECTORS[channel.kind].poll_seconds, retry_after or 0)
    fields: dict[str, Any] = {
        "state": state,
        "last_polled_at": now,
        "next_poll_at": now + timedelta(seconds=wait),
    }
    if error:
        fields.update(last_error=error[:2000], last_error_at=now)
    else:
        fields["last_error"] = ""
    Channel.objects.filter(pk=channel.pk).update(**fields)
    for key, value in fields.items():
        setattr(channel, key, value)
