"""The ``verify-modlog`` and ``modreport`` subcommands of the ``resonanz`` CLI.

``resonanz/cli.py`` calls :func:`register`; Django is set up lazily when a command runs.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any


def _setup() -> None:
    from resonanz.cli import setup_django

    setup_django()


def cmd_verify_modlog(args: argparse.Namespace) -> int:
    """Check each brand's hash chain; exit 1 naming the first broken entry."""
    _setup()
    from resonanz.accounts.models import Brand
    from resonanz.moderation.chain import verify_chain

    brands = Brand.objects.order_by("slug")
    if args.brand:
        brands = brands.filter(slug=args.brand)
        if not brands.exists():
            print(f"unknown brand: {args.brand}", file=sys.stderr)
            return 2
    broken = 0
    for brand in brands:
        report = verify_chain(brand)
        print(report.summary(), file=sys.stdout if report.ok else sys.stderr)
        broken += not report.ok
    return 1 if broken else 0


def cmd_modreport(args: argparse.Namespace) -> int:
    """Print the transparency report of a brand for a period as CSV, JSON or DSA statements."""
    _setup()
    from resonanz.accounts.models import Brand
    from resonanz.core.errors import InvalidInput
    from resonanz.moderation import dsa_export, transparency
    from resonanz.moderation.periods import parse_period

    brand = Brand.objects.filter(slug=args.brand).first()
    if brand is None:
        print(f"unknown brand: {args.brand}", file=sys.stderr)
        return 2
    try:
        period = parse_period(args.period, tz=brand.timezone)
    except InvalidInput as exc:
        print(exc.message, file=sys.stderr)
        return 2
    output: Any
    if args.format == "csv":
        sys.stdout.write(transparency.report_csv(transparency.build_report(brand, period)))
        return 0
    if args.format == "dsa":
        output = dsa_export.batches(dsa_export.list_statements(brand, period))
    else:
        output = transparency.build_report(brand, period)
    json.dump(output, sys.stdout, indent=2, ensure_ascii=False)
    sys.stdout.write("\n")
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    verify = subparsers.add_parser(
        "verify-modlog", help="verify the hash chain of the public moderation log (exit 1 if broken)"
    )
    verify.add_argument("--brand", metavar="SLUG", help="only this brand (default: all)")
    verify.set_defaults(func=cmd_verify_modlog)

    report = subparsers.add_parser("modreport", help="transparency report of a brand for a period")
    report.add_argument("--brand", metavar="SLUG", required=True)
    report.add_argument("--period", required=True, help="2026-10, 2026-Q4, 2026 or 2026-10-01..2026-10-15")
    report.add_argument("--format", choices=["csv", "json", "dsa"], default="csv")
    report.set_defaults(func=cmd_modreport)
