"""Fetch a feed with conditional GET (ETag / Last-Modified) and hand it to parse.py."""

from __future__ import annotations

import urllib.request

import feedparser

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
    request = urllib.request.Request(url, headers=headers)  # noqa: S310 (admin-configured http(s) feed URL)
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310
            body = response.read(MAX_BYTES + 1)
            if len(body) > MAX_BYTES:
                raise FeedError(f"{url}: feed larger than {MAX_BYTES} bytes")
            return response.status, body, dict(response.headers)
    except urllib.error.HTTPError as exc:
        if exc.code == 304:
            return 304, b"", dict(exc.headers)
        raise


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
    result.state = {"etag": headers.get("ETag", ""), "modified": headers.get("Last-Modified", "")}
    return result
