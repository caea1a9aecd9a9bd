"""The ``import``, ``poll`` and ``process-inbox`` subcommands of the ``resonanz`` CLI."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from resonanz.sources.models import Channel


# Worker processes are the unit of parallelism: numpy's BLAS threads on top oversubscribe the cores
# (measured: one process-inbox worker used about 30 % more CPU with the default thread pool on 2 cores).
MATH_THREADS = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")


def _setup() -> None:
    import os

    for name in MATH_THREADS:  # before numpy is imported; an operator's own setting wins
        os.environ.setdefault(name, "1")
    from resonanz.cli import setup_django

    setup_django()


def _channel(args: argparse.Namespace) -> Channel | None:
    """``--channel`` by id, uuid or name (within ``--brand``); with ``--brand`` a missing name is created
    (not in a dry run, which stores nothing: then None, and every post counts as new)."""
    from resonanz.accounts.selectors import get_brand
    from resonanz.core.errors import NotFound
    from resonanz.sources.models import Channel, ChannelKind
    from resonanz.sources.selectors import find_channel

    brand = get_brand(args.brand) if args.brand else None
    try:
        return find_channel(brand, args.channel or "Import")
    except NotFound:
        if brand is None:
            raise
        if args.dry_run:
            return None
        name = args.channel or "Import"
        return Channel.objects.create(
            brand=brand, kind=ChannelKind.IMPORT, name=name, config={"format": args.format}
        )


def cmd_import(args: argparse.Namespace) -> int:
    _setup()
    from resonanz.core.errors import DomainError
    from resonanz.inbox.importing import import_file
    from resonanz.inbox.progress import ProgressBar, print_summary
    from resonanz.sources.imports.base import ImportFormatError
    from resonanz.sources.imports.csv_format import parse_mapping

    try:
        channel = _channel(args)
        mapping = parse_mapping(args.map) if args.map else None
        with ProgressBar() as bar:
            summary = import_file(
                channel,
                Path(args.file),
                format=args.format,
                mapping=mapping,
                encoding=args.encoding,
                dry_run=args.dry_run,
                progress=bar.update,
            )
    except ImportFormatError as exc:
        print(f"error: {exc}\nnothing was stored.", file=sys.stderr)
        return 1
    except DomainError as exc:
        print(f"error: {exc.message}", file=sys.stderr)
        return 2
    print_summary(summary)
    return 0


def cmd_poll(args: argparse.Namespace) -> int:
    _setup()
    from resonanz.inbox.delivery import retry_due
    from resonanz.inbox.pipeline import process_pending
    from resonanz.sources.polling import poll_channels

    outcomes = poll_channels(channel_key=args.channel, force=True)  # asked for now: due or not
    for outcome in outcomes:
        print(outcome, file=sys.stderr if outcome.error else sys.stdout)
        for where, reason in outcome.problems:
            print(f"  rejected: {where}: {reason}", file=sys.stderr)
    processed = process_pending().processed
    retried = retry_due()
    print(f"processed {processed} staged posts, retried {retried} deliveries")
    return 1 if any(o.error for o in outcomes) else 0


def cmd_process(args: argparse.Namespace) -> int:
    """What a worker does for the inbox: process staged items until none are left."""
    _setup()
    from resonanz.inbox.pipeline import process_pending

    stats = process_pending(batch_size=args.batch_size)
    print(f"processed {stats.processed} items in {stats.batches} batches")
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    imp = sub.add_parser(
        "import", help="import a platform export (CSV, Facebook JSON, X archive) into a channel"
    )
    imp.add_argument("file")
    imp.add_argument("--channel", help="channel id, uuid or name (created in --brand if missing)")
    imp.add_argument("--brand", help="brand slug")
    imp.add_argument(
        "--format", default="", choices=["", "csv", "facebook", "x-archive"], help="default: detect"
    )
    imp.add_argument(
        "--map", default="", help="CSV columns: text=Message,author=User,id=Id,created_at=Date,…"
    )
    imp.add_argument("--encoding", default="utf-8")
    imp.add_argument("--dry-run", action="store_true", help="read and check only, store nothing")
    imp.set_defaults(func=cmd_import)

    poll = sub.add_parser("poll", help="run the connectors of all enabled polling channels once")
    poll.add_argument("--channel", help="only this channel (id, uuid or name)")
    poll.set_defaults(func=cmd_poll)

    process = sub.add_parser("process-inbox", help="process staged inbox items now (what the worker does)")
    process.add_argument("--batch-size", type=int, default=500)
    process.set_defaults(func=cmd_process)
