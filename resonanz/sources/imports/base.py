"""What every importer returns, and the errors that stop an import as a whole (nothing stored)."""

from __future__ import annotations

import codecs
from dataclasses import dataclass, field
from pathlib import Path

from resonanz.sources.incoming import IncomingPost, synthetic_id

MAX_FILE_BYTES = 512 * 1024 * 1024


class ImportFormatError(Exception):
    """The file as a whole cannot be read; the message names the file, and line/position if known."""


@dataclass
class ParsedFile:
    posts: list[IncomingPost] = field(default_factory=list)
    rejected: list[tuple[str, str]] = field(default_factory=list)  # (where, reason)

    @property
    def read(self) -> int:
        return len(self.posts) + len(self.rejected)


def read_text(path: Path, *, encoding: str = "utf-8") -> str:
    """The file's text; a wrong encoding is reported with line and column, not as a stack trace."""
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise ImportFormatError(f"{path.name}: {size} bytes is larger than the limit of {MAX_FILE_BYTES}")
    return decode_text(path.read_bytes(), path.name, encoding=encoding)


def decode_text(data: bytes, name: str, *, encoding: str = "utf-8") -> str:
    try:
        codecs.lookup(encoding)
    except LookupError as exc:
        raise ImportFormatError(f"{name}: unknown encoding {encoding!r} (e.g. utf-8, cp1252)") from exc
    try:
        return data.decode("utf-8-sig" if encoding.lower() in ("utf-8", "utf8") else encoding)
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise ImportFormatError(
            f"{name}: line {line}, column {column}: not valid {encoding} "
            f"(byte 0x{data[exc.start]:02x}); "
            "save the file as UTF-8 or pass --encoding (e.g. cp1252)"
        ) from exc


def stable_id(prefix: str, *parts: str) -> str:
    """An id for sources without one: the same content always gives the same id (re-import dedupes)."""
    return synthetic_id(prefix, *parts)


def line_of(text: str, position: int) -> int:
    return text.count("\n", 0, position) + 1
