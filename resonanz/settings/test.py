"""Test settings: in-memory SQLite (or DATABASE_URL), fast hasher, locmem mail, immediate tasks."""

from __future__ import annotations

import os

from resonanz.settings.base import *  # noqa: F403
from resonanz.settings.base import DATABASES, RESONANZ, TASK_QUEUES

if not os.environ.get("DATABASE_URL"):
    DATABASES["default"] = {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend", "QUEUES": TASK_QUEUES}}
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
RESONANZ["RATE_LIMITS"] = {key: (1000, 60) for key in RESONANZ["RATE_LIMITS"]}
RESONANZ["API_RATE"] = "10000/m"
RESONANZ["API_ANON_RATE"] = "10000/m"
WHITENOISE_USE_FINDERS = True  # serve static files straight from the apps; no collectstatic in tests
WHITENOISE_AUTOREFRESH = True
