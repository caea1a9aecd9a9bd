"""Fetch a feed with conditional GET (ETag / Last-Modified) and hand it to parse.py.

The fetch goes through core.outbound: the guard against internal addresses, redirects re-checked, a size
cap and timeouts. The validators of the last answer are kept in the channel state per feed.
"""

from __future__ import annotations

import feedparser

from resonanz.core import outbound
from resonanz.sources.connectors import PollResult
from resonanz.sources.models import Channel
from resonanz.sources.rss.parse import FeedError, feed_to_result

TIMEOUT_SECONDS = 20
MAX_BYTES = 10 * 1024 * 1024


def fetch(url: str, *, etag: str = "", modified: str = "") -> tuple[int, bytes, dict[str, str]]:
    headers = {
        "User-Agent": "Resonanz/1 (+feed reader)",
        "Accept": "application/atom+xml, application/rss+xml, */*",
    }
    if etag:
        headers["If-None-Match"] = etag
    if modified:
        headers["If-Modified-Since"] = modified
    try:
        response = outbound.request("GET", url, headers=headers, timeout=TIMEOUT_SECONDS, max_bytes=MAX_BYTES)
    except outbound.OutboundError as exc:
        raise FeedError(str(exc)) from exc
    if response.status == 304:
        return 304, b"", dict(response.headers)
    if response.status >= 400:
        raise FeedError(f"{url}: HTTP Error {response.status} from the server")
    return response.status, response.body, dict(response.headers)


def poll(channel: Channel, secrets: dict[str, str]) -> PollResult:
    url = str(channel.config.get("url", ""))
    if not url.startswith(("http://", "https://")):
        raise FeedError(f"channel {channel.name}: no http(s) feed URL configured")
    status, body, headers = fetch(
        url, etag=channel.state.get("etag", ""), modified=channel.state.get("modified", "")
    )
    if status == 304:
        return PollResult(state=channel.state)
    result = feed_to_result(feedparser.parse(body), url)
    result.state = {"etag": headers.get("etag", ""), "modified": headers.get("last-modified", "")}
    return result
