"""The one reader of environment variables and secrets.

Every setting that differs between the embedded default (SQLite, in-process worker, files in
``RESONANZ_DATA_DIR``) and the scale mode (PostgreSQL, Redis) is read here and nowhere else.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

TRUE_VALUES = {"1", "true", "yes", "on"}


def flag(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in TRUE_VALUES


def text(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def integer(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError as exc:
        raise ValueError(f"environment variable {name} must be an integer, got {value!r}") from exc


def listing(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if not value:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def data_dir() -> Path:
    """All state of the embedded mode lives here: SQLite file, uploads, cache, secret key."""
    path = Path(os.environ.get("RESONANZ_DATA_DIR", "./var")).resolve()
    path.mkdir(parents=True, exist_ok=True)
    return path


def secret_key() -> str:
    """SECRET_KEY from the environment; in the embedded mode a generated key kept in the data dir.

    Production settings refuse to start without the environment variable, so a key is never
    silently generated on a server where several processes would each invent their own.
    """
    key = os.environ.get("SECRET_KEY") or os.environ.get("RESONANZ_SECRET_KEY")
    if key:
        return key
    key_file = data_dir() / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    key = secrets.token_urlsafe(50)
    key_file.write_text(key)
    key_file.chmod(0o600)
    return key


def log_signing_key() -> bytes:
    """The 32-byte Ed25519 private key that signs the moderation log's checkpoints.

    ``RESONANZ_LOG_SIGNING_KEY`` (base64 of the raw key) wins; otherwise ``log_signing_key`` in the data
    dir, generated on first use with mode 0600. Never in the database: whoever can only write the
    database cannot sign a rewritten log.
    """
    import base64
    import binascii

    value = os.environ.get("RESONANZ_LOG_SIGNING_KEY", "").strip()
    source = "environment variable RESONANZ_LOG_SIGNING_KEY"
    if not value:
        key_file = data_dir() / "log_signing_key"
        source = str(key_file)
        try:  # O_EXCL: of two processes starting together, one creates the key and both read it
            fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass
        else:
            with os.fdopen(fd, "w") as handle:
                handle.write(base64.b64encode(secrets.token_bytes(32)).decode() + "\n")
        value = key_file.read_text().strip()
    try:
        key = base64.b64decode(value, validate=True)
    except binascii.Error as exc:
        raise ValueError(f"{source} is not base64: {exc}") from exc
    if len(key) != 32:
        raise ValueError(f"{source} must hold a 32-byte Ed25519 key, found {len(key)} bytes")
    return key


ENCRYPTION_KEY_FILE = "encryption_keys"


def encryption_key_file() -> Path:
    """Where the embedded mode keeps its credential keys: one Fernet key a line, newest first."""
    return data_dir() / ENCRYPTION_KEY_FILE


def encryption_keys(create: bool = True) -> list[str]:
    """The keys that encrypt stored credentials, newest first (the first encrypts, all decrypt).

    ``RESONANZ_ENCRYPTION_KEYS`` (comma-separated) wins; otherwise the key file in the data dir, generated
    on first use with mode 0600 when ``create`` is true. Production passes ``create=False``: several
    servers must share one key list, so none may invent its own. Independent of SECRET_KEY on purpose:
    rotating that must not make stored credentials unreadable. An empty list means no key is configured.
    """
    keys = listing("RESONANZ_ENCRYPTION_KEYS", [])
    if keys:
        return keys
    key_file = encryption_key_file()
    if create:
        from cryptography.fernet import Fernet

        try:  # O_EXCL: of two processes starting together, one creates the key and both read it
            fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass
        else:
            with os.fdopen(fd, "w") as handle:
                handle.write(Fernet.generate_key().decode() + "\n")
    if not key_file.exists():
        return []
    lines = (line.strip() for line in key_file.read_text().splitlines())
    return [line for line in lines if line and not line.startswith("#")]


def log_name() -> str:
    """The prefix of the moderation log's origin line (``<name>/<brand slug>``), e.g. the host name."""
    return os.environ.get("RESONANZ_LOG_NAME", "resonanz").strip() or "resonanz"
