"""Settings for every mode, driven by environment variables read through resonanz.env.

Embedded default: SQLite in RESONANZ_DATA_DIR, database task queue, file cache, console e-mail.
Scale mode: DATABASE_URL=postgres://…, REDIS_URL=redis://… (cache, rate limits and the RQ task backend).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import dj_database_url
from django.utils.translation import gettext_lazy as _

from resonanz import env

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = env.data_dir()

SECRET_KEY = env.secret_key()
DEBUG = env.flag("RESONANZ_DEBUG")
ALLOWED_HOSTS = env.listing("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.listing("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "ninja",  # serves the Swagger UI of /api/docs from static files (no CDN)
    "django_htmx",
    "template_partials",
    "django_tasks",
    "django_tasks_db",
    "resonanz.core",
    "resonanz.accounts",
    "resonanz.community",
    "resonanz.blog",
    "resonanz.moderation",
    "resonanz.classify",
    "resonanz.sources",
    "resonanz.inbox",
    "resonanz.insights",
    "resonanz.alerts",
    "resonanz.privacy",
]

MIDDLEWARE = [
    "resonanz.core.logs.RequestIdMiddleware",  # first: every later log line of the request has its id
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "resonanz.accounts.middleware.SecondFactorMiddleware",  # right after: no view sees a half-logged-in user
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "resonanz.urls"
WSGI_APPLICATION = "resonanz.wsgi.application"
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["resonanz.accounts.backends.HandleOrEmailBackend"]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "resonanz.core.context.brand_context",
            ],
        },
    }
]

# --- database -------------------------------------------------------------------------------
SQLITE_PATH = DATA_DIR / "resonanz.sqlite3"
DATABASES = {
    "default": dj_database_url.parse(
        env.text("DATABASE_URL") or f"sqlite:///{SQLITE_PATH}",
        conn_max_age=env.integer("DB_CONN_MAX_AGE", 60),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web server read while the worker writes; IMMEDIATE avoids lock-upgrade deadlocks.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;",
        "transaction_mode": "IMMEDIATE",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- cache, tasks ---------------------------------------------------------------------------
REDIS_URL = env.text("REDIS_URL")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    # A file cache is shared by the web processes and the worker of one machine (rate limits need that).
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(DATA_DIR / "cache"),
        }
    }

# Queues in the order every worker serves them (docs: README, scale mode): interactive and periodic work
# (polling, crisis detection, notifications, replies, community posts) never waits behind bulk work
# (imports, backfills, retraining, rollup rebuilds). A job running longer than its queue's timeout is
# stopped; a job of a worker that died is queued again once the timeout (plus a margin) has passed.
TASK_QUEUES = ["urgent", "default", "bulk"]
TASK_TIMEOUTS = {"urgent": 300, "default": 900, "bulk": 3600}
TASK_BACKEND = env.text("RESONANZ_TASK_BACKEND", "rq" if REDIS_URL else "database")
if TASK_BACKEND == "rq":
    INSTALLED_APPS += ["django_rq", "django_tasks_rq"]
    RQ_QUEUES = {
        name: {"URL": REDIS_URL or "redis://127.0.0.1:6379/0", "DEFAULT_TIMEOUT": TASK_TIMEOUTS[name]}
        for name in TASK_QUEUES
    }
    TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": TASK_QUEUES}}
elif TASK_BACKEND == "immediate":
    TASKS = {
        "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend", "QUEUES": TASK_QUEUES}
    }
else:
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": TASK_QUEUES}}

# --- auth -----------------------------------------------------------------------------------
# Argon2 first: new passwords get it, older hashes (PBKDF2, …) are upgraded at the next successful login.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False  # htmx reads the token from the cookie-less meta tag; keep default access
SESSION_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

# --- i18n -----------------------------------------------------------------------------------
LANGUAGE_CODE = "de"
LANGUAGES = [("de", _("German")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = env.text("TIME_ZONE", "Europe/Berlin")
USE_TZ = True

# --- static and media -----------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = DATA_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# --- e-mail ---------------------------------------------------------------------------------
EMAIL_BACKEND = env.text("EMAIL_BACKEND", "resonanz.core.mail.ConsoleBackend")
EMAIL_HOST = env.text("EMAIL_HOST", "localhost")
EMAIL_PORT = env.integer("EMAIL_PORT", 25)
EMAIL_HOST_USER = env.text("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env.text("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env.flag("EMAIL_USE_TLS")
DEFAULT_FROM_EMAIL = env.text("DEFAULT_FROM_EMAIL", "Resonanz <noreply@localhost>")

# --- content security policy: no third-party calls from pages -------------------------------
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "style-src": ["'self'"],
        "script-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}

# --- product settings -----------------------------------------------------------------------
RESONANZ: dict[str, Any] = {
    # The address people reach this installation at (https://forum.example.org, no trailing slash): every
    # absolute link in mails, statements of reasons, feeds and webhooks is built from it.
    "PUBLIC_URL": env.text("RESONANZ_PUBLIC_URL").strip().rstrip("/"),
    # Production settings turn this on: the system check then refuses to start without PUBLIC_URL.
    "REQUIRE_PUBLIC_URL": False,
    # Production settings turn this on: no generated key file, and the system check refuses to start
    # without RESONANZ_ENCRYPTION_KEYS or a key file (sources/keys.py).
    "REQUIRE_ENCRYPTION_KEYS": False,
    # Where rate-limit counters and replay markers live: "auto" = Redis if it is the cache, else the
    # database (core/counters.py); never the file cache.
    "LIMIT_STORE": "auto",
    # Proxies allowed to name the client in X-Forwarded-For: a count, or networks (core/clientip.py).
    "TRUSTED_PROXIES": env.text("RESONANZ_TRUSTED_PROXIES"),
    # Outbound HTTP (feeds, webhooks) refuses private, loopback and link-local addresses unless allowed.
    "OUTBOUND_ALLOW_PRIVATE": env.flag("RESONANZ_OUTBOUND_ALLOW_PRIVATE"),
    "OUTBOUND_ALLOWED_NETWORKS": env.listing("RESONANZ_OUTBOUND_ALLOWED_NETWORKS", []),
    # Authors may edit their own post for this many minutes after writing it.
    "EDIT_WINDOW_MINUTES": env.integer("RESONANZ_EDIT_WINDOW_MINUTES", 30),
    "MAX_POST_CHARS": env.integer("RESONANZ_MAX_POST_CHARS", 20_000),
    "MAX_TITLE_CHARS": 200,
    # (requests, seconds) per client for public writes.
    "RATE_LIMITS": {
        "signup": (env.integer("RESONANZ_RATE_SIGNUP", 5), 3600),
        # Failed logins only (successful ones are not counted): per account, and per address (higher,
        # so that one office behind one address is not locked out by a colleague's typos).
        "login_account": (env.integer("RESONANZ_LOGIN_FAILURES_ACCOUNT", 5), 900),
        "login_ip": (env.integer("RESONANZ_LOGIN_FAILURES_IP", 50), 900),
        "webhook": (env.integer("RESONANZ_RATE_WEBHOOK", 600), 60),
        "post": (env.integer("RESONANZ_RATE_POST", 20), 600),
        "report": (env.integer("RESONANZ_RATE_REPORT", 20), 3600),
        "password_reset": (5, 3600),
    },
    "API_RATE": env.text("RESONANZ_API_RATE", "600/m"),
    "API_ANON_RATE": env.text("RESONANZ_API_ANON_RATE", "120/m"),
    "DEFAULT_BRAND": env.text("RESONANZ_DEFAULT_BRAND"),
    # Periodic jobs enqueued by `resonanz scheduler`: dotted task path -> interval in seconds.
    "PERIODIC_TASKS": {
        "resonanz.inbox.tasks.poll_channels_task": 60,
        "resonanz.insights.tasks.update_rollups_task": 60,
        "resonanz.alerts.tasks.detect_crises_task": 300,
        "resonanz.insights.tasks.send_reports_task": 3600,
        "resonanz.core.tasks.refresh_planner_statistics_task": 3600,
        # Safety nets: community posts still waiting for the inbox, tasks of workers that died.
        "resonanz.community.tasks.sweep_entered_posts_task": 60,
        "resonanz.core.tasks.requeue_abandoned_tasks_task": 60,
        # Daily: personal data past each brand's retention period (docs/privacy.md).
        "resonanz.privacy.tasks.apply_retention_task": 86400,
    },
    # `resonanz worker` exits (and its supervisor starts a fresh one) after this many jobs or when its
    # memory (RSS) exceeds this many MB, so a leak in one job cannot grow a worker without bound.
    "WORKER_MAX_JOBS": env.integer("RESONANZ_WORKER_MAX_JOBS", 1000),
    "WORKER_MAX_MEMORY_MB": env.integer("RESONANZ_WORKER_MAX_MEMORY_MB", 1024),
}

# Every line names its time, level, logger and request id (core/logs.py); RESONANZ_LOG_FORMAT=json writes
# one JSON object per line instead. Records outside a request (workers, commands) carry the id "-".
LOG_FORMAT = env.text("RESONANZ_LOG_FORMAT", "text").strip().lower()
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "resonanz.core.logs.RequestIdFilter"}},
    "formatters": {
        "main": {"()": "resonanz.core.logs.JsonFormatter"}
        if LOG_FORMAT == "json"
        else {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"}
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["request_id"], "formatter": "main"}
    },
    "root": {"handlers": ["console"], "level": env.text("LOG_LEVEL", "INFO")},
    # httpx logs every request at INFO; feeds are polled every minute, so only problems are worth a line
    "loggers": {"django.db.backends": {"level": "WARNING"}, "httpx": {"level": "WARNING"}},
}

# --- operations: readiness thresholds, metrics, error tracking (docs/operations.md) -----------
# /readyz answers 503 when a queue holds more ready jobs than this, or a worker's or the scheduler's
# last heartbeat is older than this many seconds.
HEALTH_MAX_QUEUE_DEPTH = {
    "urgent": env.integer("RESONANZ_HEALTH_MAX_URGENT", 100),
    "default": env.integer("RESONANZ_HEALTH_MAX_DEFAULT", 1000),
    "bulk": env.integer("RESONANZ_HEALTH_MAX_BULK", 10000),
}
HEALTH_MAX_HEARTBEAT_AGE = env.integer("RESONANZ_HEALTH_MAX_HEARTBEAT_AGE", 120)
# /metrics is off unless a bearer token is set, or addresses (networks) allowed to read it without one.
METRICS_TOKEN = env.text("RESONANZ_METRICS_TOKEN")
METRICS_ALLOWED_NETWORKS = env.listing("RESONANZ_METRICS_ALLOWED_NETWORKS", [])
# SENTRY_DSN turns on error tracking when sentry-sdk is installed (pip install 'resonanz[sentry]').
SENTRY_DSN = env.text("SENTRY_DSN")
if SENTRY_DSN:
    from resonanz.core.errortracking import init_sentry

    init_sentry(SENTRY_DSN)
