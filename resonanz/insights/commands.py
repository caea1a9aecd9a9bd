"""The ``report`` and ``insights-rebuild`` subcommands of the ``resonanz`` CLI."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def _setup() -> None:
    from resonanz.cli import setup_django

    setup_django()


def cmd_report(args: argparse.Namespace) -> int:
    """Write a brand's report for a period as HTML or PDF (to --out, else stdout)."""
    _setup()
    from resonanz.accounts.selectors import get_brand
    from resonanz.core.errors import DomainError
    from resonanz.insights.pdf import render_pdf
    from resonanz.insights.reports import build_report, render_html

    try:
        report = build_report(get_brand(args.brand), args.period)
    except DomainError as exc:
        print(f"error: {exc.message}", file=sys.stderr)
        return 2
    data = render_pdf(report) if args.format == "pdf" else render_html(report).encode()
    if args.out:
        Path(args.out).write_bytes(data)
        print(f"wrote {args.out} ({len(data)} bytes)", file=sys.stderr)
    else:
        sys.stdout.buffer.write(data)
    return 0


def cmd_rebuild(args: argparse.Namespace) -> int:
    """Recompute the insights rollups from the inbox data (all brands or one)."""
    _setup()
    from resonanz.accounts.selectors import get_brand
    from resonanz.core.errors import DomainError
    from resonanz.insights import rollup

    try:
        brand = get_brand(args.brand) if args.brand else None
    except DomainError as exc:
        print(f"error: {exc.message}", file=sys.stderr)
        return 2
    import time

    shown = [time.monotonic()]

    def progress(rows: int) -> None:
        if time.monotonic() - shown[0] >= 5:
            shown[0] = time.monotonic()
            print(f"… {rows:,} rows", file=sys.stderr, flush=True)

    # First take what is new, so that the rebuild covers everything stored.
    consumed = rollup.consume_all(max_steps=1_000_000)
    rows = rollup.rebuild(brand=brand, progress=progress)
    print(f"rebuilt from {rows:,} rows ({consumed:,} new rows consumed first)", file=sys.stderr)
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    report = sub.add_parser("report", help="write a brand's insights report (HTML or PDF) for a period")
    report.add_argument("--brand", required=True, help="brand slug")
    report.add_argument("--period", required=True, help="2026-10, 2026-Q4, 2026 or 2026-10-01..2026-10-15")
    report.add_argument("--format", choices=["html", "pdf"], default="html")
    report.add_argument("--out", help="file to write (default: stdout)")
    report.set_defaults(func=cmd_report)
    rebuild = sub.add_parser("insights-rebuild", help="rebuild the insights rollups from scratch")
    rebuild.add_argument("--brand", help="only this brand (slug)")
    rebuild.set_defaults(func=cmd_rebuild)
