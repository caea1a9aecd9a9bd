"""Choose the importer for a file: by ``--format`` or by a look at its name and first bytes."""

from __future__ import annotations

from pathlib import Path

from resonanz.sources.imports import csv_format, facebook, x_archive
from resonanz.sources.imports.base import ImportFormatError, ParsedFile

FORMATS = ("csv", "facebook", "x-archive")


def detect_format(path: Path) -> str:
    with path.open("rb") as handle:
        head = handle.read(256)
    if head.startswith(b"PK\x03\x04"):  # a ZIP: the X archive as downloaded
        return "x-archive"
    head = head.lstrip(b"\xef\xbb\xbf").lstrip()
    if head.startswith(b"window.YTD") or path.name.endswith(".js"):
        return "x-archive"
    if head[:1] in (b"{", b"["):
        return "facebook"
    if path.suffix.lower() in (".csv", ".tsv", ".txt"):
        return "csv"
    raise ImportFormatError(f"{path.name}: cannot tell the format; pass --format {'|'.join(FORMATS)}")


def parse_file(
    path: Path, *, format: str = "", mapping: dict[str, str] | None = None, encoding: str = "utf-8"
) -> ParsedFile:
    if not path.is_file():
        raise ImportFormatError(f"{path}: no such file")
    chosen = format or detect_format(path)
    if chosen == "csv":
        return csv_format.parse(path, mapping=mapping, encoding=encoding)
    if chosen == "facebook":
        return facebook.parse(path, encoding=encoding)
    if chosen == "x-archive":
        return x_archive.parse(path, encoding=encoding)
    raise ImportFormatError(f"unknown format {chosen!r}; use one of {', '.join(FORMATS)}")
