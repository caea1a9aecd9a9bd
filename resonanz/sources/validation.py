"""Checks of a channel's settings and secrets before they are saved; each error names the field.

Shared by the channel pages, the Django admin and the services, so a channel that is saved can at least
be tried: URLs are http(s), ports are numbers, yes/no switches are yes or no, required fields are there.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.utils.translation import gettext as _

from resonanz.core.errors import InvalidInput
from resonanz.sources.connectors import CONNECTORS
from resonanz.sources.crypto import ENV_PREFIX

URL_FIELDS = {"url", "instance_url", "service_url"}
PORT_FIELDS = {"imap_port", "smtp_port"}
SWITCH_FIELDS = {"mentions", "imap_ssl", "smtp_starttls"}
MAX_WEBHOOK_BYTES = 10 * 1024 * 1024
IMPORT_FORMATS = ("csv", "facebook", "x-archive")

# What a channel of each kind cannot work without (settings, secrets).
REQUIRED: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "rss": (("url",), ()),
    "mastodon": (("instance_url",), ("access_token",)),
    "bluesky": (("handle",), ("app_password",)),
    "email": (("imap_host", "imap_user", "smtp_host", "address"), ("imap_password",)),
    "webhook": ((), ("signing_secret",)),
}


def _check_value(name: str, value: str) -> str | None:
    """The error for one setting, or None."""
    if name in URL_FIELDS:
        try:
            URLValidator(schemes=["http", "https"])(value)
        except ValidationError:
            return _("%(field)s: please enter an http(s) URL.") % {"field": name}
    elif name in PORT_FIELDS:
        if not value.isdigit() or not 1 <= int(value) <= 65535:
            return _("%(field)s: a port number between 1 and 65535.") % {"field": name}
    elif name in SWITCH_FIELDS:
        if value not in ("yes", "no"):
            return _("%(field)s: “yes” or “no”.") % {"field": name}
    elif name == "max_bytes":
        if not value.isdigit() or not 1 <= int(value) <= MAX_WEBHOOK_BYTES:
            return _("max_bytes: a number of bytes up to %(n)s.") % {"n": MAX_WEBHOOK_BYTES}
    elif name == "address":
        try:
            validate_email(value)
        except ValidationError:
            return _("address: please enter an e-mail address.")
    elif name == "format" and value not in IMPORT_FORMATS:
        return _("format: one of %(formats)s.") % {"formats": ", ".join(IMPORT_FORMATS)}
    elif name == "mapping":
        from resonanz.sources.imports.base import ImportFormatError
        from resonanz.sources.imports.csv_format import parse_mapping

        try:
            parse_mapping(value)
        except ImportFormatError as exc:
            return str(exc)
    return None


def clean_config(kind: str, config: dict[str, Any]) -> dict[str, Any]:
    """Known settings only, as stripped text; empty values are dropped."""
    allowed = CONNECTORS[kind].config_fields
    unknown = sorted(set(config) - set(allowed))
    if unknown:
        raise InvalidInput({"config": _("Unknown settings: %(names)s") % {"names": ", ".join(unknown)}})
    cleaned = {key: str(value).strip() for key, value in config.items() if value not in ("", None)}
    cleaned = {key: value for key, value in cleaned.items() if value}
    errors = [error for key, value in cleaned.items() if (error := _check_value(key, value))]
    if errors:
        raise InvalidInput({"config": " ".join(errors)})
    return cleaned


def clean_secrets(kind: str, secrets: dict[str, str]) -> dict[str, str]:
    allowed = CONNECTORS[kind].secret_fields
    unknown = sorted(set(secrets) - set(allowed))
    if unknown:
        raise InvalidInput({"secrets": _("Unknown secrets: %(names)s") % {"names": ", ".join(unknown)}})
    cleaned = {key: value.strip() for key, value in secrets.items() if value and value.strip()}
    bad = sorted(k for k, v in cleaned.items() if v.startswith(ENV_PREFIX) and not v[len(ENV_PREFIX) :])
    if bad:
        raise InvalidInput(
            {"secrets": _("%(names)s: env: needs a variable name.") % {"names": ", ".join(bad)}}
        )
    return cleaned


def check_complete(kind: str, config: dict[str, Any], secrets: dict[str, str]) -> None:
    """Required settings and secrets of an enabled channel (``secrets``: stored and new, merged)."""
    needed_config, needed_secrets = REQUIRED.get(kind, ((), ()))
    missing = [name for name in needed_config if not config.get(name)]
    missing += [name for name in needed_secrets if not secrets.get(name)]
    if missing:
        raise InvalidInput({"config": _("Missing: %(names)s.") % {"names": ", ".join(missing)}})
