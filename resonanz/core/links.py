"""Absolute links for anything read outside a page: mails, statements of reasons, feeds, webhooks, PDFs.

Built from ``RESONANZ_PUBLIC_URL`` only, never from the request's ``Host`` header (which a client chooses,
and which is the proxy's own address behind a proxy). Pages themselves use relative URLs.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django.core.checks import CheckMessage, Error, Warning, register

from resonanz.core.config import product_setting

DEVELOPMENT_URL = "http://localhost:8000"


def public_base_url() -> str:
    """The configured public address without a trailing slash (the development address if unset)."""
    base = str(product_setting("PUBLIC_URL") or "").strip()
    return (base or DEVELOPMENT_URL).rstrip("/")


def absolute(path: str) -> str:
    """``/b/x/`` → ``https://forum.example.org/b/x/``; ``path`` must start with a slash."""
    return public_base_url() + path


def public_url_problem(value: str) -> str | None:
    """What is wrong with a PUBLIC_URL value, or None."""
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return f"RESONANZ_PUBLIC_URL={value!r} is not an http(s) address like https://forum.example.org"
    if parts.query or parts.fragment or parts.username:
        return f"RESONANZ_PUBLIC_URL={value!r} must not carry a query, fragment or user name"
    return None


@register()
def check_public_url(app_configs: object = None, **kwargs: object) -> list[CheckMessage]:
    value = str(product_setting("PUBLIC_URL") or "")
    if not value:
        if product_setting("REQUIRE_PUBLIC_URL"):
            return [
                Error(
                    "RESONANZ_PUBLIC_URL is not set.",
                    hint="Set it to the address people reach this installation at, e.g. "
                    "RESONANZ_PUBLIC_URL=https://forum.example.org — statements of reasons, mails, feeds "
                    "and webhooks link there.",
                    id="resonanz.E001",
                )
            ]
        return []
    problem = public_url_problem(value)
    if problem:
        return [Error(problem, id="resonanz.E002")]
    if product_setting("REQUIRE_PUBLIC_URL") and urlsplit(value).hostname in (
        "localhost",
        "127.0.0.1",
        "::1",
    ):
        return [Warning(f"RESONANZ_PUBLIC_URL={value!r} points at this machine", id="resonanz.W001")]
    return []
