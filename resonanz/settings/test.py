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
# Limit counters in the in-process cache (atomic in the one test process), so the query budgets of page
# and API tests measure the page; the tests of the database store select it themselves.
RESONANZ["LIMIT_STORE"] = "cache"
# Tests run their fake feed and webhook servers on loopback; the outbound guard's own tests turn this off.
RESONANZ["OUTBOUND_ALLOWED_NETWORKS"] = ["127.0.0.0/8", "::1/128"]
# A fixed key signs the moderation log's checkpoints in tests, so no key file is written to the data dir.
os.environ.setdefault("RESONANZ_LOG_SIGNING_KEY", "dGVzdC1vbmx5LWtleS1mb3ItcmVzb25hbnotdGVzdHM=")
# A fixed credential key, so no key file is written to the data dir; the key tests change it themselves.
os.environ.setdefault("RESONANZ_ENCRYPTION_KEYS", "Gk5BNtCAtTB2Tvw0D5PZL55gqOb8w4YZrk_vCcHGbJs=")
