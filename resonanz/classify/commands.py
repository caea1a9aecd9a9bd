"""The ``train``, ``classify`` and ``evaluate`` subcommands of the ``resonanz`` CLI.

``resonanz/cli.py`` calls :func:`register`; ``python -m resonanz.classify.commands`` runs them
standalone. Only ``train --brand`` and ``classify --brand`` touch Django (lazily, in ``brand_training``).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import sys
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[2]
SAMPLE_DIR = REPO_ROOT / "data" / "samples"


def default_data_dir() -> Path:
    """RESONANZ_TRAIN_DATA, else ``<repo>/../shared/data`` if present, else what ``resonanz data fetch``
    downloaded (``<RESONANZ_DATA_DIR>/train-data``), else the shipped sample."""
    from .datafetch import default_dir, has_fetched

    configured = os.environ.get("RESONANZ_TRAIN_DATA")
    if configured:
        return Path(configured)
    shared = REPO_ROOT.parent / "shared" / "data"
    if shared.is_dir():
        return shared
    return default_dir() if has_fetched() else SAMPLE_DIR


def _reporter() -> Callable[[str], None]:
    """Status lines with elapsed time on stderr (training takes minutes)."""
    start = time.monotonic()

    def report(message: str) -> None:
        print(f"[{time.monotonic() - start:7.1f}s] {message}", file=sys.stderr, flush=True)

    return report


def cmd_train(args: argparse.Namespace) -> int:
    from .ml import artefact
    from .ml.training import TrainConfig, reuse_from, train_all

    data_dir = Path(args.data) if args.data else default_data_dir()
    if not data_dir.is_dir():
        print(f"error: data directory {data_dir} does not exist", file=sys.stderr)
        return 2
    folds = 0 if args.no_cv else args.folds
    report = _reporter()
    if args.brand:
        from .brand_training import train_for_brand

        return train_for_brand(
            args.brand,
            data_dir=data_dir,
            seed=args.seed,
            folds=folds,
            permissive_only=args.permissive_only,
            progress=report,
        )
    out_dir = Path(args.out) if args.out else artefact.DEFAULT_DIR
    config = TrainConfig(data_dir=data_dir, seed=args.seed, folds=folds, permissive_only=args.permissive_only)
    if folds < 2 and (artefact.DEFAULT_DIR / "manifest.json").exists():
        # no out-of-domain folds in this run: keep the shipped artefact's calibration and thresholds
        config.reuse = reuse_from(artefact.load(artefact.DEFAULT_DIR).manifest)
    try:
        trained = train_all(config, out_dir, progress=report)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(f"trained artefact {trained.version} in {out_dir}")
    for name, info in trained.manifest["heads"].items():
        for domain, metrics in info.get("cv", {}).items():
            if isinstance(metrics, dict):
                extra = f" official_f1={metrics['official_f1']:.4f}" if "official_f1" in metrics else ""
                print(
                    f"  CV {name:<14} {domain:<22} micro_f1={metrics['micro_f1']:.4f} "
                    f"macro_f1={metrics['macro_f1']:.4f}{extra}"
                )
        for domain, metrics in info.get("loo", {}).get("domains", {}).items():
            figures = " ".join(
                f"{key}={value:.4f}"
                for key, value in metrics.items()
                if key in ("micro_f1", "macro_f1", "official_f1", "harmless_flagged", "coverage")
                and value is not None
            )
            print(f"  LOO {name:<13} {domain:<22} {figures}")
        if info.get("thresholds"):
            print(f"  thresholds {name}: {info['thresholds']}")
    return 0


class InputError(ValueError):
    """A classify input file is malformed; the message names the file and line."""


def read_texts(stream: Iterable[str], name: str) -> Iterator[str]:
    """Plain text lines, or the ``text`` column of a CSV/TSV whose header contains ``text``."""
    lines = iter(stream)
    first = next(lines, None)
    if first is None:
        return
    header = first.rstrip("\r\n")
    delimiter = "\t" if "\t" in header else "," if name.endswith(".csv") or "," in header else None
    fields = [f.strip().strip('"') for f in header.split(delimiter)] if delimiter else []
    if delimiter and "text" in fields:
        if delimiter == "\t":
            position = fields.index("text")
            for line_no, line in enumerate(lines, start=2):
                parts = line.rstrip("\r\n").split("\t")
                if parts == [""]:
                    continue  # blank line
                if len(parts) <= position:
                    raise InputError(f"{name}:{line_no}: no 'text' field (column {position + 1})")
                yield parts[position]
        else:
            for row in csv.DictReader(lines, fieldnames=fields):
                yield row.get("text") or ""
        return
    yield header
    for line in lines:
        yield line.rstrip("\r\n")


def cmd_classify(args: argparse.Namespace) -> int:
    from .ml import pipeline

    classifier = (
        pipeline.Classifier.load(Path(args.artefact))
        if args.artefact
        else (pipeline.get_classifier(brand_slug=args.brand))
    )
    topics: list[Any] = []
    if args.brand:  # the brand's topics live in the database: only then is Django set up
        from .brand_training import brand_topics_for_cli

        found = brand_topics_for_cli(args.brand)
        if found is None:
            print(f"error: no brand with slug {args.brand!r}", file=sys.stderr)
            return 2
        topics = found
    if args.file != "-" and not Path(args.file).is_file():
        print(f"error: {args.file}: no such file", file=sys.stderr)
        return 2
    stream = sys.stdin if args.file == "-" else open(args.file, encoding="utf-8", newline="")  # noqa: SIM115
    try:
        batch: list[str] = []
        for text in read_texts(stream, args.file):
            batch.append(text)
            if len(batch) >= 512:
                _print_results(classifier, batch, not args.no_explain, topics)
                batch = []
        _print_results(classifier, batch, not args.no_explain, topics)
    except UnicodeDecodeError as exc:
        print(f"error: {args.file} is not valid UTF-8 ({exc.reason})", file=sys.stderr)
        return 2
    except (InputError, csv.Error) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    finally:
        if stream is not sys.stdin:
            stream.close()
    return 0


def _print_results(classifier: Any, texts: list[str], explain: bool, topics: Sequence[Any] = ()) -> None:
    if not texts:
        return
    results = classifier.classify_many(texts, explain=explain, topics=topics)
    for text, result in zip(texts, results, strict=True):
        print(json.dumps({"text": text} | result.to_dict(), ensure_ascii=False))


def cmd_evaluate(args: argparse.Namespace) -> int:
    from .ml import pipeline
    from .ml.datasets import DataFormatError
    from .ml.evaluate_file import evaluate_file
    from .ml.evaluation import format_report

    path = Path(args.file)
    if not path.is_file():
        print(f"error: {path}: no such file", file=sys.stderr)
        return 2
    classifier = pipeline.Classifier.load(Path(args.artefact)) if args.artefact else pipeline.get_classifier()
    details: dict[str, Any] = {}
    try:
        metrics = evaluate_file(classifier, args.task, path, details)
    except DataFormatError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(f"model {classifier.version}")
    print(format_report(args.task, metrics))
    if "coverage" in details:
        print(
            f"coverage {details['coverage']:.4f} (share of posts not labelled uncertain; "
            "uncertain posts are scored at their most probable label above)"
        )
    print(json.dumps(metrics, ensure_ascii=False))
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    from .datafetch import register as register_data
    from .ml.evaluate_file import TASK_NAMES

    register_data(subparsers)

    train = subparsers.add_parser("train", help="train the classifiers (or adapt them to a brand)")
    train.add_argument(
        "--data",
        help="dataset directory (default: RESONANZ_TRAIN_DATA, ../shared/data, fetched data, sample)",
    )
    train.add_argument("--out", help="artefact directory (default: the shipped artefact)")
    train.add_argument("--permissive-only", action="store_true", help="only permissively licensed data")
    train.add_argument("--seed", type=int, default=13)
    train.add_argument("--folds", type=int, default=5, help="cross-validation folds (default 5)")
    train.add_argument("--no-cv", action="store_true", help="skip cross-validation (faster)")
    train.add_argument("--brand", metavar="SLUG", help="adapt the models to this brand's label corrections")
    train.set_defaults(func=cmd_train)

    classify = subparsers.add_parser("classify", help="classify text lines or a CSV/TSV with a text column")
    classify.add_argument("file", nargs="?", default="-", help="input file (default: stdin)")
    classify.add_argument(
        "--brand",
        metavar="SLUG",
        help="the brand's adapted model (if trained) and its topics (needs the database)",
    )
    classify.add_argument("--artefact", help="artefact directory (default: shipped)")
    classify.add_argument("--no-explain", action="store_true", help="skip explanations (faster)")
    classify.set_defaults(func=cmd_classify)

    evaluate = subparsers.add_parser("evaluate", help="evaluate on a labelled TSV; last line is JSON")
    evaluate.add_argument("task", choices=TASK_NAMES)
    evaluate.add_argument("file")
    evaluate.add_argument("--artefact", help="artefact directory (default: shipped)")
    evaluate.set_defaults(func=cmd_evaluate)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="resonanz")
    register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    return int(args.func(args))


if __name__ == "__main__":
    sys.exit(main())
