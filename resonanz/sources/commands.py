"""The ``rotate-keys`` subcommand of the ``resonanz`` CLI."""

from __future__ import annotations

import argparse
import sys


def cmd_rotate_keys(args: argparse.Namespace) -> int:
    from resonanz.cli import setup_django

    setup_django()
    from resonanz.sources.crypto import CredentialError
    from resonanz.sources.keys import rotate_keys

    try:
        report = rotate_keys(dry_run=args.dry_run)
    except CredentialError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    for item in report.fields:
        print(f"{item.model}.{item.field}: {item.rewritten} re-encrypted, {item.current} already current")
    verb = "would be re-encrypted (dry run, nothing changed)" if report.dry_run else "re-encrypted"
    print(f"{report.rewritten} value(s) {verb}; {report.current} already used the newest key.")
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    rotate = sub.add_parser(
        "rotate-keys",
        help="re-encrypt every stored credential with the newest key of RESONANZ_ENCRYPTION_KEYS",
    )
    rotate.add_argument("--dry-run", action="store_true", help="count what would change, write nothing")
    rotate.set_defaults(func=cmd_rotate_keys)
