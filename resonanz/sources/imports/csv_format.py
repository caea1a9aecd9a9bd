"""Generic CSV: any export with a header row, mapped to our fields by ``--map text=Message,author=User``."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from resonanz.sources.imports.base import ImportFormatError, ParsedFile, read_text, stable_id
from resonanz.sources.incoming import IncomingError, make_post

FIELDS = ("id", "text", "author", "author_name", "created_at", "thread", "reply_to", "url", "title")
DEFAULT_MAPPING = {name: name for name in FIELDS}


def parse_mapping(spec: str) -> dict[str, str]:
    """``text=Message,author=User`` → {"text": "Message", "author": "User"}; unknown fields are errors."""
    mapping: dict[str, str] = {}
    for part in filter(None, (p.strip() for p in (spec or "").split(","))):
        field, sep, column = part.partition("=")
        if not sep or field.strip() not in FIELDS:
            raise ImportFormatError(
                f"--map: {part!r} is not FIELD=COLUMN with FIELD one of {', '.join(FIELDS)}"
            )
        mapping[field.strip()] = column.strip()
    return mapping


# German exports (Excel, many social-media tools) write "31.12.2025 14:05", "31.12.2025" or
# "31.12.25 14:05:33" in local time without a zone, so those are read as German time.
GERMAN_DATE = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4}|\d{2})(?:,?\s+(\d{1,2}):(\d{2})(?::(\d{2}))?)?")
GERMAN_ZONE = ZoneInfo("Europe/Berlin")


def parse_time(value: str) -> datetime | None:
    """ISO 8601 (without a zone: UTC), Unix seconds, or a German date with optional time (German time).
    Raises ValueError naming the accepted formats when the value is none of them."""
    value = value.strip()
    if not value:
        return None
    if value.isdigit():
        return datetime.fromtimestamp(int(value[:10]), tz=UTC)
    german = GERMAN_DATE.fullmatch(value)
    if german:
        day, month, year, hour, minute, second = german.groups()
        full_year = int(year) + 2000 if len(year) == 2 else int(year)
        return datetime(
            full_year,
            int(month),
            int(day),
            int(hour or 0),
            int(minute or 0),
            int(second or 0),
            tzinfo=GERMAN_ZONE,
        )
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise ValueError(
            "expected ISO 8601 (2025-12-31T14:05), a German date (31.12.2025 14:05) or Unix seconds"
        ) from None


def _delimiter(text: str) -> str:
    """The delimiter is the one the header line uses most. (csv.Sniffer also guesses the quoting from
    the data and gets it wrong for texts with doubled quotes, splitting them into extra columns.)"""
    header = text.split("\n", 1)[0]
    counts = {delimiter: header.count(delimiter) for delimiter in ",;\t"}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def parse(path: Path, *, mapping: dict[str, str] | None = None, encoding: str = "utf-8") -> ParsedFile:
    text = read_text(path, encoding=encoding)
    columns = {**DEFAULT_MAPPING, **(mapping or {})}
    reader = csv.DictReader(io.StringIO(text, newline=""), dialect=csv.excel, delimiter=_delimiter(text))
    header = reader.fieldnames or []
    if columns["text"] not in header:
        raise ImportFormatError(
            f"{path.name}: line 1: no column {columns['text']!r} for the text; "
            f"columns are {', '.join(header)} "
            "(map one with --map text=COLUMN)"
        )
    result = ParsedFile()
    try:
        for row in reader:
            _row(path, reader.line_num, row, columns, result)
    except csv.Error as exc:
        raise ImportFormatError(f"{path.name}: line {reader.line_num}: {exc}") from exc
    return result


def _row(path: Path, line: int, row: dict[str, str], columns: dict[str, str], result: ParsedFile) -> None:
    def get(field: str) -> str:
        return (row.get(columns[field]) or "").strip()

    where = f"{path.name}: line {line}"
    try:
        created = parse_time(get("created_at"))
        post_id = get("id") or stable_id("csv", get("author"), get("created_at"), get("text"))
        result.posts.append(
            make_post(
                where=where,
                external_id=post_id,
                text=get("text"),
                created_at=created,
                author_handle=get("author"),
                author_name=get("author_name") or get("author"),
                thread_key=get("thread"),
                in_reply_to=get("reply_to"),
                url=get("url"),
                title=get("title"),
            )
        )
    except IncomingError as exc:
        result.rejected.append((where, exc.reason))
    except ValueError as exc:
        result.rejected.append((where, f"unreadable date {get('created_at')!r}: {exc}"))
