"""The channel-neutral shape of one post as it enters the inbox, whatever network it came from."""

from __future__ import annotations

import hashlib
import unicodedata
from dataclasses import dataclass, field, fields
from datetime import UTC, datetime
from typing import Any

MAX_TEXT_CHARS = 20_000
MAX_EXTERNAL_ID = 255


class IncomingError(ValueError):
    """A payload that cannot become a post; the message names what is wrong and where."""

    def __init__(self, message: str, *, where: str = "") -> None:
        super().__init__(f"{where}: {message}" if where else message)
        self.reason = message
        self.where = where


@dataclass(frozen=True)
class IncomingPost:
    """One post, normalised. ``external_id`` is unique per channel and stable under re-import."""

    external_id: str
    text: str
    created_at: datetime
    author_handle: str = ""
    author_name: str = ""
    thread_key: str = ""  # the conversation this belongs to (root id), when the source knows it
    in_reply_to: str = ""  # external id of the post this answers, when the source knows it
    url: str = ""
    title: str = ""
    language_hint: str = ""
    raw_size: int = 0
    # Set by connectors when the post was written by the brand itself (an answer sent elsewhere).
    from_brand: bool = False
    extra: dict[str, str] = field(default_factory=dict)

    def to_payload(self) -> dict[str, Any]:
        # Shallow on purpose: dataclasses.asdict deep-copies recursively, a cost at ingestion rates.
        data = {name: getattr(self, name) for name in _FIELDS}
        data["created_at"] = self.created_at.isoformat()
        data["extra"] = dict(self.extra)
        return data

    @classmethod
    def from_payload(cls, data: dict[str, Any]) -> IncomingPost:
        values = dict(data)
        values["created_at"] = datetime.fromisoformat(values["created_at"])
        return cls(**values)


_FIELDS = tuple(f.name for f in fields(IncomingPost))


def clean_text(text: str) -> str:
    """NFC-normalise, drop NULs and control characters (except newlines/tabs), trim."""
    text = unicodedata.normalize("NFC", text or "")
    text = "".join(ch for ch in text if ch in "\n\t" or unicodedata.category(ch)[0] != "C")
    return text.strip()


def synthetic_id(prefix: str, *parts: str) -> str:
    """An id for items without one (a mail without Message-ID, a feed item without guid or link): the
    same content always gives the same id, so polling or importing it again dedupes."""
    digest = hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:32]
    return f"{prefix}:{digest}"


def aware(moment: datetime | None) -> datetime:
    if moment is None:
        return datetime.now(UTC)
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def make_post(*, where: str = "", **values: Any) -> IncomingPost:
    """Build and validate an IncomingPost; raises IncomingError naming ``where`` (file line, URL, …)."""
    external_id = str(values.pop("external_id", "") or "").strip()
    if not external_id:
        raise IncomingError("missing id", where=where)
    if len(external_id) > MAX_EXTERNAL_ID:
        raise IncomingError(f"id longer than {MAX_EXTERNAL_ID} characters", where=where)
    text = clean_text(str(values.pop("text", "") or ""))
    if not text:
        raise IncomingError("empty text", where=where)
    if len(text) > MAX_TEXT_CHARS:
        raise IncomingError(f"text too long ({len(text)} characters, at most {MAX_TEXT_CHARS})", where=where)
    values["created_at"] = aware(values.get("created_at"))
    for key in ("author_handle", "author_name", "thread_key", "in_reply_to", "url", "title", "language_hint"):
        values[key] = str(values.get(key) or "")[: 255 if key != "url" else 1000]
    values.setdefault("raw_size", len(text.encode()))
    return IncomingPost(external_id=external_id, text=text, **values)
