"""The ``resonanz`` command: run the product, manage its data, train and use the classifiers.

Subcommands that need the database set Django up lazily, so ``resonanz --help`` stays instant.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Callable, Sequence

Handler = Callable[[argparse.Namespace], int]


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "resonanz.settings.base")
    import django

    django.setup()


def _with_django(handler: Handler) -> Handler:
    def wrapped(args: argparse.Namespace) -> int:
        setup_django()
        return handler(args)

    wrapped.__doc__ = handler.__doc__
    return wrapped


def cmd_run(args: argparse.Namespace) -> int:
    from resonanz.server import serve

    return serve(host=args.host, port=args.port, workers=args.workers, with_worker=not args.no_worker)


def cmd_migrate(args: argparse.Namespace) -> int:
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=args.verbosity)
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from resonanz.demo.loader import load_demo

    summary = load_demo(stdout=sys.stdout)
    print(summary.format_logins())
    return 0


def cmd_worker(args: argparse.Namespace) -> int:
    if not args.no_supervise and not args.burst:
        from resonanz.core.supervisor import supervise_worker

        return supervise_worker(_worker_arguments(args))
    setup_django()
    from resonanz.core.config import product_setting
    from resonanz.core.queues import queue_order
    from resonanz.server import run_worker

    queues = [name.strip() for name in args.queue.split(",") if name.strip()] if args.queue else queue_order()
    unknown = sorted(set(queues) - set(queue_order()))
    if unknown:
        print(
            f"unknown queue(s) {', '.join(unknown)}; configured: {', '.join(queue_order())}", file=sys.stderr
        )
        return 2
    return run_worker(
        queues=queues,
        burst=args.burst,
        quiet=args.quiet,
        max_jobs=args.max_jobs or product_setting("WORKER_MAX_JOBS") or None,
        max_memory_mb=args.max_memory or product_setting("WORKER_MAX_MEMORY_MB") or None,
    )


def _worker_arguments(args: argparse.Namespace) -> list[str]:
    """The options of ``resonanz worker`` again, for the process its supervisor starts."""
    words = ["--quiet"] if args.quiet else []
    for option, value in (
        ("--queue", args.queue),
        ("--max-jobs", args.max_jobs),
        ("--max-memory", args.max_memory),
    ):
        if value:
            words += [option, str(value)]
    return words


def cmd_scheduler(args: argparse.Namespace) -> int:
    from resonanz.core.scheduler import run_scheduler

    if args.quiet:
        logging.getLogger("resonanz.core.scheduler").setLevel(logging.WARNING)
    return run_scheduler(once=args.once)


def cmd_createadmin(args: argparse.Namespace) -> int:
    from resonanz.server import create_admin

    return create_admin(username=args.username, email=args.email, password=args.password)


def cmd_manage(args: argparse.Namespace) -> int:
    from django.core.management import execute_from_command_line

    execute_from_command_line(["resonanz manage", *args.rest])
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="resonanz",
        description="Resonanz — social media dialog hub. State of the embedded mode lives in "
        "RESONANZ_DATA_DIR (default ./var); DATABASE_URL and REDIS_URL switch to PostgreSQL and Redis.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    run = sub.add_parser("run", help="serve the web app with gunicorn (and the task worker in embedded mode)")
    run.add_argument("--host", default=os.environ.get("RESONANZ_HOST", "127.0.0.1"))
    run.add_argument("--port", type=int, default=int(os.environ.get("RESONANZ_PORT", "8000")))
    run.add_argument("--workers", type=int, default=int(os.environ.get("WEB_CONCURRENCY", "2")))
    run.add_argument("--no-worker", action="store_true", help="do not start the background worker")
    run.set_defaults(func=_with_django(cmd_run))

    migrate = sub.add_parser("migrate", help="create or update the database tables")
    migrate.add_argument("-v", "--verbosity", type=int, default=1)
    migrate.set_defaults(func=_with_django(cmd_migrate))

    demo = sub.add_parser("demo", help="load the demo brands, users and posts (idempotent)")
    demo.set_defaults(func=_with_django(cmd_demo))

    worker = sub.add_parser("worker", help="process background tasks (database or Redis queue)")
    worker.add_argument(
        "--queue",
        default="",
        help="queues to serve, comma-separated, most urgent first (default: all: urgent,default,bulk)",
    )
    worker.add_argument("--burst", action="store_true", help="exit when the queues are empty")
    worker.add_argument("--quiet", action="store_true", help="log only warnings and failed tasks")
    worker.add_argument(
        "--max-jobs", type=int, default=0, help="restart the worker after N jobs (default: 1000)"
    )
    worker.add_argument(
        "--max-memory",
        type=int,
        default=0,
        help="restart the worker above M MB resident memory (default: 1024)",
    )
    worker.add_argument(
        "--no-supervise",
        action="store_true",
        help="run the worker in this process, without restarting it when it exits",
    )
    worker.set_defaults(func=cmd_worker)

    scheduler = sub.add_parser("scheduler", help="enqueue periodic jobs (polling, rollups, crisis checks)")
    scheduler.add_argument("--once", action="store_true", help="enqueue what is due now and exit")
    scheduler.add_argument("--quiet", action="store_true", help="log only warnings")
    scheduler.set_defaults(func=_with_django(cmd_scheduler))

    admin = sub.add_parser("createadmin", help="create a superuser for the Django admin")
    admin.add_argument("--username", default=os.environ.get("RESONANZ_ADMIN_USER", "admin"))
    admin.add_argument("--email", default=os.environ.get("RESONANZ_ADMIN_EMAIL", "admin@localhost"))
    admin.add_argument(
        "--password",
        default=os.environ.get("RESONANZ_ADMIN_PASSWORD"),
        help="default: RESONANZ_ADMIN_PASSWORD or ask",
    )
    admin.set_defaults(func=_with_django(cmd_createadmin))

    manage = sub.add_parser("manage", help="run a Django management command", add_help=False)
    manage.add_argument("rest", nargs=argparse.REMAINDER)
    manage.set_defaults(func=_with_django(cmd_manage))

    _register_optional(sub)
    return parser


def _register_optional(sub: argparse._SubParsersAction) -> None:
    """Subcommands owned by the domain apps (train, classify, evaluate, import, …)."""
    from resonanz.accounts.commands import register as register_accounts
    from resonanz.classify.commands import register as register_classify
    from resonanz.inbox.commands import register as register_inbox
    from resonanz.insights.commands import register as register_insights
    from resonanz.moderation.commands import register as register_moderation
    from resonanz.moderation.role_commands import register as register_roles
    from resonanz.privacy.commands import register as register_privacy
    from resonanz.sources.commands import register as register_sources

    for register in (
        register_accounts,
        register_classify,
        register_moderation,
        register_roles,
        register_inbox,
        register_insights,
        register_sources,
        register_privacy,
    ):
        register(sub)


# Processes are the unit of parallelism for serving and background work; numpy's BLAS thread pool on
# top oversubscribes the cores (measured: a worker used about 30 % more CPU with it on 2 cores).
SINGLE_THREADED_MATH = ("run", "worker", "scheduler")
MATH_THREADS = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")


def main(argv: Sequence[str] | None = None) -> int:
    words = list(sys.argv[1:] if argv is None else argv)
    if words and words[0] in SINGLE_THREADED_MATH:
        for name in MATH_THREADS:  # before numpy is first imported; an operator's own setting wins
            os.environ.setdefault(name, "1")
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
