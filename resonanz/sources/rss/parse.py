"""A parsed feed (feedparser's result) → IncomingPost; feedparser field names stay in this package."""

from __future__ import annotations

import calendar
from datetime import UTC, datetime
from typing import Any

import feedparser

from resonanz.sources.connectors import PollResult
from resonanz.sources.htmltext import html_to_text
from resonanz.sources.incoming import IncomingError, IncomingPost, make_post

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
    return make_post(
        where=where,
        external_id=entry.get("id") or entry.get("link"),
        text=_text(entry),
        created_at=_moment(entry),
        author_handle=entry.get("author", ""),
        author_name=entry.get("author", ""),
        url=entry.get("link", ""),
        title=entry.get("title", ""),
    )


def feed_to_result(feed: Any, url: str) -> PollResult:
    exc = feed.get("bozo_exception")
    # Encoding/content-type notices are harmless; a broken XML document is refused as a whole,
    # because feedparser's lenient recovery may have cut entries short.
    if feed.get("bozo") and (not feed.get("entries") or not isinstance(exc, BENIGN)):
        line = getattr(exc, "getLineNumber", lambda: None)()
        position = f" line {line}" if line else ""
        raise FeedError(f"{url}:{position} malformed feed: {exc}")
    result = PollResult(state={"etag": feed.get("etag", ""), "modified": feed.get("modified", "")})
    for index, entry in enumerate(feed.get("entries", [])):
        where = f"{url} entry {index + 1}"
        try:
            result.posts.append(entry_to_post(entry, where))
        except IncomingError as exc:
            result.rejected.append((where, exc.reason))
    return result
