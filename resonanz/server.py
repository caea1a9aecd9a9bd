"""Process management for ``resonanz run`` / ``worker`` / ``createadmin``.

``run`` prepares the database and static files, then supervises gunicorn (the web server) and, in the
embedded mode, one database task worker, restarting the worker if it dies and stopping both on a signal.
"""

from __future__ import annotations

import getpass
import logging
import os
import signal
import subprocess
import sys
import time
from types import FrameType

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django_tasks_db.compat import TASKS_LOGGER
from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand


def _uses_database_queue() -> bool:
    return str(settings.TASKS["default"]["BACKEND"]).startswith("django_tasks_db")


def prepare() -> None:
    """Migrate and collect static files, so a fresh data directory just works; planner statistics, so an
    existing one is fast from the first request."""
    from resonanz.core.tasks import refresh_planner_statistics

    # call_command skips the system checks; run them so production refuses to start misconfigured
    # (e.g. without RESONANZ_PUBLIC_URL) with the checks' own clear message instead of broken links.
    call_command("check")
    call_command("migrate", interactive=False, verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    refresh_planner_statistics()


def _spawn(command: str) -> subprocess.Popen[bytes]:
    # Quiet: one log line per task would bury the web server's log; failures are still logged.
    return subprocess.Popen([sys.executable, "-m", "resonanz", command, "--quiet"])  # noqa: S603 (fixed arguments)


def _spawn_web(host: str, port: int, workers: int) -> subprocess.Popen[bytes]:
    bind = f"[{host}]:{port}" if ":" in host and not host.startswith("[") else f"{host}:{port}"
    command = [
        sys.executable, "-m", "gunicorn", "resonanz.wsgi:application",
        "--bind", bind, "--workers", str(max(1, workers)), "--threads", "4",
        "--access-logfile", "-", "--graceful-timeout", "10", "--timeout", "60",
    ]  # fmt: skip
    return subprocess.Popen(command)  # noqa: S603 (fixed argument list, no shell, no user input)


def serve(*, host: str, port: int, workers: int, with_worker: bool) -> int:
    try:
        prepare()
    except SystemCheckError as exc:
        print(exc, file=sys.stderr)
        return 2
    web = _spawn_web(host, port, workers)
    embedded = with_worker and _uses_database_queue()
    helpers = {name: _spawn(name) for name in ("worker", "scheduler")} if embedded else {}
    print(f"Resonanz läuft auf / is running at http://{host}:{port}/  (Ctrl+C beendet / stops)", flush=True)
    stopping = False

    def stop(signum: int, frame: FrameType | None) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    try:
        while not stopping and web.poll() is None:
            for name, process in helpers.items():
                if process.poll() is not None:
                    print(f"{name} exited with {process.returncode}; restarting", file=sys.stderr, flush=True)
                    time.sleep(1)
                    helpers[name] = _spawn(name)
            time.sleep(0.5)
    finally:
        _stop_all([web, *helpers.values()])
    return 0 if stopping else (web.returncode or 0)


def _stop_all(processes: list[subprocess.Popen[bytes]]) -> None:
    for process in processes:
        if process.poll() is None:
            process.terminate()
    for process in processes:
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()


def run_worker(*, queue: str, burst: bool, quiet: bool = False) -> int:
    if _uses_database_queue():
        options: dict[str, object] = {
            "queue_name": queue,
            "batch": burst,
            "reload": False,
            "startup_delay": not burst,
        }
        call_command(_QuietDbWorker() if quiet else "db_worker", **options)
    else:
        call_command("rqworker", queue, job_class="django_tasks_rq.Job", burst=burst, with_scheduler=False)
    return 0


class _QuietDbWorker(DbWorkerCommand):
    """The database worker logging warnings and failed tasks only (its verbosity 0 hides errors too)."""

    def configure_logging(self, verbosity: int) -> None:
        super().configure_logging(verbosity)
        for name in (TASKS_LOGGER, "django_tasks_db"):
            logging.getLogger(name).setLevel(logging.WARNING)


def create_admin(*, username: str, email: str, password: str | None) -> int:
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    from resonanz.accounts.models import User

    if User.objects.filter(username__iexact=username).exists():
        print(f"user {username!r} exists already; nothing changed", file=sys.stderr)
        return 1
    if password is None:
        if not sys.stdin.isatty():
            print("no password: set RESONANZ_ADMIN_PASSWORD or pass --password", file=sys.stderr)
            return 2
        password = getpass.getpass("Password: ")
    try:
        # The same validators as sign-up and password changes (length, common, numeric, like the name).
        validate_password(password, User(username=username, email=email))
    except ValidationError as exc:
        print("the password was refused:", *exc.messages, sep="\n  ", file=sys.stderr)
        return 2
    User.objects.create_superuser(username=username, email=email, password=password)
    print(f"superuser {username!r} created; log in at /admin/")
    return 0


if os.name != "posix":  # gunicorn needs fork(); say so instead of failing obscurely
    raise RuntimeError("resonanz run needs a POSIX system (Linux, macOS)")
