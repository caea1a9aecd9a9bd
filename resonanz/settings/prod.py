"""Production overrides: secure cookies, HTTPS, and no generated secret key."""

from __future__ import annotations

import os

from django.core.exceptions import ImproperlyConfigured

from resonanz.settings.base import *  # noqa: F403
from resonanz.settings.base import RESONANZ

if not (os.environ.get("SECRET_KEY") or os.environ.get("RESONANZ_SECRET_KEY")):
    raise ImproperlyConfigured("SECRET_KEY must be set in the environment for production settings")

DEBUG = False
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_SSL_REDIRECT = os.environ.get("SECURE_SSL_REDIRECT", "1") == "1"
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_REFERRER_POLICY = "same-origin"
RESONANZ["REQUIRE_PUBLIC_URL"] = True  # the system check refuses to start without RESONANZ_PUBLIC_URL
RESONANZ["REQUIRE_ENCRYPTION_KEYS"] = True  # the system check refuses to start without a key list
