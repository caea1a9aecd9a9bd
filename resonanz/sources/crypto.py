"""Encryption of channel credentials: Fernet with a key from RESONANZ_ENCRYPTION_KEY or SECRET_KEY.

A credential value may also be a reference ``env:VARNAME``: then only the reference is stored and the
secret itself is read from the environment when the connector runs.
"""

from __future__ import annotations

import base64
import json
import os
from typing import Any

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

ENV_PREFIX = "env:"


class CredentialError(Exception):
    """Credentials cannot be read (wrong key, missing environment variable)."""


def _fernet() -> Fernet:
    configured = os.environ.get("RESONANZ_ENCRYPTION_KEY", "").strip()
    if configured:
        return Fernet(configured.encode())
    # Derived, so the embedded mode needs no extra secret; rotating SECRET_KEY then needs re-entry.
    derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"resonanz-channel-credentials")
    key = derived.derive(settings.SECRET_KEY.encode())
    return Fernet(base64.urlsafe_b64encode(key))


def encrypt_credentials(values: dict[str, str]) -> str:
    if not values:
        return ""
    return _fernet().encrypt(json.dumps(values, sort_keys=True).encode()).decode()


def decrypt_credentials(token: str) -> dict[str, str]:
    if not token:
        return {}
    try:
        data: Any = json.loads(_fernet().decrypt(token.encode()))
    except InvalidToken as exc:
        raise CredentialError("stored credentials cannot be decrypted (was the key changed?)") from exc
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
