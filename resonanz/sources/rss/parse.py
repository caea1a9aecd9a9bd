"""A parsed feed (feedparser's result) → IncomingPost; feedparser field names stay in this package."""

from __future__ import annotations

import calendar
import json
from datetime import UTC, datetime
from functools import partial
from typing import Any

import feedparser

from resonanz.sources.connectors import PollResult
from resonanz.sources.htmltext import html_to_text
from resonanz.sources.incoming import IncomingPost, make_post, synthetic_id
from resonanz.sources.models import Channel

BENIGN = (feedparser.CharacterEncodingOverride, feedparser.NonXMLContentType)


class FeedError(Exception):
    """The feed as a whole cannot be read; the message names the URL and the position."""


def _moment(entry: Any) -> datetime | None:
    parsed = entry.get("published_parsed") or entry.get("updated_parsed")
    return datetime.fromtimestamp(calendar.timegm(parsed), tz=UTC) if parsed else None


def _text(entry: Any) -> str:
    content = entry.get("content") or []
    html = content[0].get("value", "") if content else entry.get("summary", "")
    return html_to_text(html) or entry.get("title", "")


def entry_to_post(entry: Any, where: str) -> IncomingPost:
    text = _text(entry)
    published = str(entry.get("published") or entry.get("updated") or "")
    # Items without guid and link exist (podcast and shop feeds): the same item gets the same id.
    external_id = (
        entry.get("id") or entry.get("link") or synthetic_id("rss", entry.get("title", ""), published, text)
    )
    return make_post(
        where=where,
        external_id=external_id,
        text=text,
        created_at=_moment(entry),
        author_handle=entry.get("author", ""),
        author_name=entry.get("author", ""),
        url=entry.get("link", ""),
        title=entry.get("title", ""),
    )


def feed_to_result(feed: Any, url: str) -> PollResult:
    exc = feed.get("bozo_exception")
    entries = feed.get("entries", [])
    result = PollResult(state={"etag": feed.get("etag", ""), "modified": feed.get("modified", "")})
    for index, entry in enumerate(entries):
        where = f"{url} entry {index + 1}"
        raw = json.dumps(entry, ensure_ascii=False, default=str).encode()
        result.read(raw, where=where, parse=partial(entry_to_post, entry, where))
    if feed.get("bozo") and not isinstance(exc, BENIGN):
        line = getattr(exc, "getLineNumber", lambda: None)()
        position = f" line {line}" if line else ""
        if not result.posts:  # nothing readable was recovered: the document as a whole is broken
            raise FeedError(f"{url}:{position} malformed feed: {exc}")
        # One stray "&" must not stop a feed on every poll: feedparser's lenient parser recovered the
        # entries, so they are read; the channel shows that the feed is not well-formed.
        result.warnings.append(
            f"{url}:{position} malformed feed, {len(result.posts)} entries recovered: {exc}"
        )
    return result


def reparse(channel: Channel, raw: bytes) -> IncomingPost:
    """A dead letter's retry: the entry as stored (feedparser's dict as JSON) read again."""
    return entry_to_post(json.loads(raw), "dead letter")
