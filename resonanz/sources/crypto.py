"""Encryption of stored credentials (channel secrets, webhook signing secrets, connector sessions).

Keys come from a dedicated list (``RESONANZ_ENCRYPTION_KEYS``, or the key file the embedded mode keeps in
its data dir, see ``env.encryption_keys``), newest first: the newest encrypts, any of them decrypts
(``MultiFernet``). Older installations encrypted with ``RESONANZ_ENCRYPTION_KEY`` or a key derived from
``SECRET_KEY``; those stay as last, decrypt-only keys (also for ``SECRET_KEY_FALLBACKS``), so nothing
stored before becomes unreadable, and ``resonanz rotate-keys`` moves every value to the newest key.

A credential value may also be a reference ``env:VARNAME``: then only the reference is stored and the
secret itself is read from the environment when the connector runs.
"""

from __future__ import annotations

import base64
import json
import os
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

from resonanz import env
from resonanz.core.config import product_setting

ENV_PREFIX = "env:"


class CredentialError(Exception):
    """Credentials cannot be read (wrong key, missing environment variable, no key configured)."""


def _parse(key: str, source: str) -> Fernet:
    try:
        return Fernet(key.encode())
    except ValueError as exc:
        raise CredentialError(
            f"{source} is not a Fernet key (32 url-safe base64-encoded bytes; make one with "
            "'python -c \"from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())\"')"
        ) from exc


def current_keys() -> list[Fernet]:
    """The dedicated keys, newest first; production never generates a key file (see the system check)."""
    keys = env.encryption_keys(create=not product_setting("REQUIRE_ENCRYPTION_KEYS"))
    if not keys:
        raise CredentialError(
            "no encryption key for stored credentials: set RESONANZ_ENCRYPTION_KEYS "
            f"(comma-separated Fernet keys, newest first) or create {env.encryption_key_file()}"
        )
    source = "RESONANZ_ENCRYPTION_KEYS" if os.environ.get("RESONANZ_ENCRYPTION_KEYS") else "key file"
    return [_parse(key, f"{source}: key {number}") for number, key in enumerate(keys, start=1)]


def _derived(secret_key: str) -> Fernet:
    derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"resonanz-channel-credentials")
    return Fernet(base64.urlsafe_b64encode(derived.derive(secret_key.encode())))


def legacy_keys() -> list[Fernet]:
    """Decrypt-only keys of installations before the key list: RESONANZ_ENCRYPTION_KEY, then the key
    derived from SECRET_KEY and from each of SECRET_KEY_FALLBACKS (so an old SECRET_KEY kept there still
    reads what it encrypted until rotate-keys has run)."""
    keys = []
    configured = os.environ.get("RESONANZ_ENCRYPTION_KEY", "").strip()
    if configured:
        keys.append(_parse(configured, "RESONANZ_ENCRYPTION_KEY"))
    for secret in [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]:
        if secret:
            keys.append(_derived(str(secret)))
    return keys


def _multi() -> MultiFernet:
    return MultiFernet([*current_keys(), *legacy_keys()])


def encrypt_credentials(values: dict[str, str]) -> str:
    if not values:
        return ""
    return _multi().encrypt(json.dumps(values, sort_keys=True).encode()).decode()


def decrypt_credentials(token: str) -> dict[str, str]:
    if not token:
        return {}
    try:
        data: Any = json.loads(_multi().decrypt(token.encode()))
    except InvalidToken as exc:
        raise CredentialError(
            "stored credentials cannot be decrypted with any configured key (was a key removed from "
            "RESONANZ_ENCRYPTION_KEYS, or SECRET_KEY changed before rotate-keys ran?)"
        ) from exc
    return {str(k): str(v) for k, v in data.items()}


def resolve(values: dict[str, str]) -> dict[str, str]:
    """Replace ``env:NAME`` references by the environment's value; a missing variable is an error."""
    resolved = {}
    for key, value in values.items():
        if value.startswith(ENV_PREFIX):
            name = value[len(ENV_PREFIX) :]
            if name not in os.environ:
                raise CredentialError(f"credential {key!r} refers to unset environment variable {name}")
            resolved[key] = os.environ[name]
        else:
            resolved[key] = value
    return resolved
