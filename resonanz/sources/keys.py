"""Key rotation: every stored credential re-encrypted with the newest key, and the start-up check.

``ENCRYPTED_FIELDS`` names every database field that holds a token of ``sources/crypto.py``; a test walks
the models so that a new field called ``…secret…``/``…credential…`` cannot be forgotten here.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from cryptography.fernet import InvalidToken, MultiFernet
from django.apps import apps
from django.core.checks import CheckMessage, Error, register
from django.db import transaction

from resonanz import env
from resonanz.core.config import product_setting
from resonanz.sources.crypto import CredentialError, current_keys, legacy_keys

# (app_label.Model, field): Channel.credentials also holds the Bluesky session the connector keeps.
ENCRYPTED_FIELDS: tuple[tuple[str, str], ...] = (
    ("sources.Channel", "credentials"),
    ("inbox.WebhookEndpoint", "secret"),
    ("accounts.TwoFactor", "secret"),
)


@dataclass
class FieldReport:
    model: str
    field: str
    rewritten: int = 0  # encrypted with an older key, now with the newest
    current: int = 0  # already encrypted with the newest key


@dataclass
class RotationReport:
    dry_run: bool
    fields: list[FieldReport] = field(default_factory=list)

    @property
    def rewritten(self) -> int:
        return sum(item.rewritten for item in self.fields)

    @property
    def current(self) -> int:
        return sum(item.current for item in self.fields)


def rotate_keys(*, dry_run: bool = False) -> RotationReport:
    """Re-encrypt every stored credential with the newest key, in one transaction.

    Every value is decrypted before anything is written: if one cannot be read with any key, a
    CredentialError names each unreadable row and nothing is changed. A dry run counts only.
    """
    keys = current_keys()
    newest = keys[0]
    every = MultiFernet([*keys, *legacy_keys()])
    report = RotationReport(dry_run=dry_run)
    with transaction.atomic():
        pending = []
        unreadable = []
        for label, name in ENCRYPTED_FIELDS:
            model = apps.get_model(label)
            item = FieldReport(model=label, field=name)
            report.fields.append(item)
            rows = model._default_manager.select_for_update().exclude(**{name: ""}).order_by("pk")
            for pk, token in rows.values_list("pk", name):
                try:
                    newest.decrypt(token.encode())
                except InvalidToken:
                    pass
                else:
                    item.current += 1
                    continue
                try:  # rotate() keeps the token's timestamp and encrypts with the first (newest) key
                    rotated = every.rotate(token.encode()).decode()
                except InvalidToken:
                    unreadable.append(f"{label}#{pk}.{name}")
                    continue
                item.rewritten += 1
                pending.append((model, pk, name, rotated))
        if unreadable:
            raise CredentialError(
                f"{len(unreadable)} stored value(s) cannot be decrypted with any configured key: "
                + ", ".join(unreadable)
                + ". Nothing was changed; add the missing old key to RESONANZ_ENCRYPTION_KEYS "
                "(or SECRET_KEY_FALLBACKS) and run again, or re-enter these credentials."
            )
        if not dry_run:
            for model, pk, name, rotated in pending:
                model._default_manager.filter(pk=pk).update(**{name: rotated})
    return report


@register()
def check_encryption_keys(app_configs: object = None, **kwargs: object) -> list[CheckMessage]:
    """Production refuses to start without a key list: each server inventing its own key would leave the
    others unable to read what it stored."""
    configured = bool(os.environ.get("RESONANZ_ENCRYPTION_KEYS", "").strip())
    required = product_setting("REQUIRE_ENCRYPTION_KEYS")
    if not configured and required and not env.encryption_key_file().exists():
        return [
            Error(
                "RESONANZ_ENCRYPTION_KEYS is not set.",
                hint="Set it to one or more Fernet keys, comma-separated, newest first (make one with "
                "'python -c \"from cryptography.fernet import Fernet; "
                "print(Fernet.generate_key().decode())\"'), or place them one a line in "
                f"{env.encryption_key_file()} (mode 0600). Stored channel credentials are encrypted "
                "with it.",
                id="resonanz.E010",
            )
        ]
    if not configured and not env.encryption_key_file().exists():
        return []  # the embedded mode creates its key file on first use
    try:
        current_keys()
    except CredentialError as exc:
        return [Error(str(exc), id="resonanz.E011")]
    return []
