"""The ``retention`` subcommand of the ``resonanz`` CLI."""

from __future__ import annotations

import argparse


def cmd_retention(args: argparse.Namespace) -> int:
    """Apply every brand's retention periods now (or, with --dry-run, only count what would go)."""
    from resonanz.cli import setup_django

    setup_django()
    from resonanz.privacy.retention import apply_retention

    report = apply_retention(dry_run=args.dry_run)
    print("\n".join(report.lines()))
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    retention = subparsers.add_parser(
        "retention", help="delete or anonymise personal data past each brand's retention period"
    )
    retention.add_argument("--dry-run", action="store_true", help="only count, change nothing")
    retention.set_defaults(func=cmd_retention)
