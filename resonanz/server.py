"""Process management for ``resonanz run`` / ``worker`` / ``createadmin``.

``run`` prepares the database and static files, then supervises gunicorn (the web server) and, in the
embedded mode, one database task worker, restarting the worker if it dies and stopping both on a signal.
"""

from __future__ import annotations

import getpass
import logging
import os
import signal
import socket
import subprocess
import sys
import time
from types import FrameType

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django_tasks_db.compat import TASKS_LOGGER


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
    # Quiet: one log line per task would bury the web server's log; failures are still logged. The
    # loop below restarts the worker, so it needs no supervisor of its own.
    extra = ["--no-supervise"] if command == "worker" else []
    return subprocess.Popen([sys.executable, "-m", "resonanz", command, "--quiet", *extra])  # noqa: S603 (fixed arguments)


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
                    if process.returncode != 0:  # a worker recycling itself exits with 0 (core/worker.py)
                        print(
                            f"{name} exited with {process.returncode}; restarting",
                            file=sys.stderr,
                            flush=True,
                        )
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


def run_worker(
    *,
    queues: list[str],
    burst: bool,
    quiet: bool = False,
    max_jobs: int | None = None,
    max_memory_mb: int | None = None,
) -> int:
    """One worker in this process, serving ``queues`` in that order (core/worker.py)."""
    from resonanz.core.worker import preload, run_database_worker, run_rq_worker

    for name in (TASKS_LOGGER, "django_tasks_db", "rq.worker", "resonanz.core.worker"):
        logging.getLogger(name).setLevel(logging.WARNING if quiet else logging.INFO)
    seconds = preload()
    logging.getLogger(__name__).info("worker %s: preloaded in %.1f s", os.getpid(), seconds)
    if _uses_database_queue():
        run_database_worker(
            queues=queues,
            burst=burst,
            max_jobs=max_jobs,
            max_memory_mb=max_memory_mb,
            worker_id=f"{socket.gethostname()}-{os.getpid()}"[:64],
        )
    else:
        run_rq_worker(queues=queues, burst=burst, max_jobs=max_jobs, max_memory_mb=max_memory_mb, quiet=quiet)
    return 0


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
