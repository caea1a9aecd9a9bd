"""The ``verify-modlog``, ``witness`` and ``modreport`` subcommands of the ``resonanz`` CLI.

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


def _read_checkpoint(source: str) -> str:
    """A saved checkpoint: a file, or a URL (the log's checkpoint URL, or any copy of it)."""
    from pathlib import Path

    from resonanz.moderation.witness import fetch

    if source.startswith(("http://", "https://")):
        return fetch(source)
    return Path(source).read_text(encoding="utf-8")


def cmd_verify_modlog(args: argparse.Namespace) -> int:
    """Check each brand's log: chain, Merkle tree against signed checkpoints, state audit. Exit 1 naming
    the first entry (post, decision) that is wrong."""
    _setup()
    from resonanz.accounts.models import Brand
    from resonanz.moderation import checkpoints
    from resonanz.moderation.logtree import origin_for
    from resonanz.moderation.logverify import verify_log
    from resonanz.moderation.witness import WitnessError

    saved = None
    if args.checkpoint:
        try:
            saved = checkpoints.parse(_read_checkpoint(args.checkpoint))
        except (OSError, WitnessError, checkpoints.CheckpointError) as exc:
            print(f"cannot read the checkpoint {args.checkpoint}: {exc}", file=sys.stderr)
            return 2
    brands = Brand.objects.order_by("slug")
    if args.brand:
        brands = brands.filter(slug=args.brand)
    elif saved is not None:  # the checkpoint names its log: check that brand
        brands = brands.filter(slug__in=[b.slug for b in brands if origin_for(b) == saved.origin])
    if args.brand and not brands.exists():
        print(f"unknown brand: {args.brand}", file=sys.stderr)
        return 2
    if saved is not None and not brands.exists():
        print(f"no brand of this installation keeps the log {saved.origin!r}", file=sys.stderr)
        return 2
    broken = 0
    for brand in brands:
        report = verify_log(brand, checkpoint=saved)
        print("\n".join(report.lines()), file=sys.stdout if report.ok else sys.stderr)
        broken += not report.ok
    return 1 if broken else 0


def cmd_witness(args: argparse.Namespace) -> int:
    """Fetch, verify and save other installations' checkpoints; exit 1 on any fork or error."""
    from pathlib import Path

    from resonanz import env
    from resonanz.moderation.witness import WitnessError, watch

    state = Path(args.state) if args.state else env.data_dir() / "witness"
    failed = 0
    for url in args.urls:
        try:
            print(watch(url, state).summary())
        except WitnessError as exc:
            print(str(exc), file=sys.stderr)
            failed += 1
    return 1 if failed else 0


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
        "verify-modlog",
        help="verify the public moderation log: hash chain, signed checkpoints, state (exit 1 if broken)",
    )
    verify.add_argument("--brand", metavar="SLUG", help="only this brand (default: all)")
    verify.add_argument(
        "--checkpoint", metavar="FILE_OR_URL",
        help="a signed checkpoint saved earlier: exit 1 unless today's log extends it",
    )  # fmt: skip
    verify.set_defaults(func=cmd_verify_modlog)

    witness = subparsers.add_parser(
        "witness", help="save and cross-check the signed moderation-log checkpoints of other installations"
    )
    witness.add_argument("urls", nargs="+", metavar="URL", help=".../b/<brand>/moderation/log/checkpoint")
    witness.add_argument(
        "--state", metavar="DIR", help="where to keep what was seen (default: data dir/witness)"
    )
    witness.set_defaults(func=cmd_witness)

    report = subparsers.add_parser("modreport", help="transparency report of a brand for a period")
    report.add_argument("--brand", metavar="SLUG", required=True)
    report.add_argument("--period", required=True, help="2026-10, 2026-Q4, 2026 or 2026-10-01..2026-10-15")
    report.add_argument("--format", choices=["csv", "json", "dsa"], default="csv")
    report.set_defaults(func=cmd_modreport)
