"""X (Twitter) archive ``data/tweets.js``: ``window.YTD.tweets.part0 = [ {"tweet": {…}}, … ]``.

Everything up to the first ``=`` is JavaScript, the rest a JSON array. Items are parsed one by one so a
rejected tweet is reported with its line number in the file.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

from resonanz.sources.imports.base import ImportFormatError, ParsedFile, line_of, read_text
from resonanz.sources.incoming import IncomingError, make_post

X_TIME = "%a %b %d %H:%M:%S %z %Y"


def _array_items(text: str, start: int, name: str) -> list[tuple[int, Any]]:
    """(offset, value) for each element of the JSON array starting at ``start``."""
    decoder = json.JSONDecoder()
    items: list[tuple[int, Any]] = []
    pos = start + 1
    try:
        while True:
            while pos < len(text) and text[pos] in " \t\r\n,":
                pos += 1
            if pos >= len(text):
                raise json.JSONDecodeError("array not closed", text, pos)
            if text[pos] == "]":
                return items
            value, end = decoder.raw_decode(text, pos)
            items.append((pos, value))
            pos = end
    except json.JSONDecodeError as exc:
        raise ImportFormatError(
            f"{name}: line {exc.lineno}, column {exc.colno}: broken JSON: {exc.msg}"
        ) from exc


def parse(path: Path, *, encoding: str = "utf-8") -> ParsedFile:
    text = read_text(path, encoding=encoding)
    equals = text.find("=")
    start = text.find("[", equals + 1 if equals >= 0 else 0)
    if start < 0 or (equals >= 0 and text[equals + 1 : start].strip()):
        raise ImportFormatError(
            f"{path.name}: line 1: not an X archive (expected `window.YTD.tweets.part0 = [`)"
        )
    result = ParsedFile()
    for offset, value in _array_items(text, start, path.name):
        where = f"{path.name}: line {line_of(text, offset)}"
        try:
            result.posts.append(_tweet(value, where))
        except IncomingError as exc:
            result.rejected.append((where, exc.reason))
    return result


def _tweet(value: Any, where: str) -> Any:
    tweet = value.get("tweet", value) if isinstance(value, dict) else None
    if not isinstance(tweet, dict):
        raise IncomingError("not a tweet object", where=where)
    try:
        created = datetime.strptime(str(tweet.get("created_at", "")), X_TIME)
    except ValueError as exc:
        raise IncomingError(f"unreadable created_at {tweet.get('created_at')!r}", where=where) from exc
    tweet_id = str(tweet.get("id_str") or tweet.get("id") or "")
    return make_post(
        where=where,
        external_id=f"tweet:{tweet_id}" if tweet_id else "",
        text=tweet.get("full_text") or tweet.get("text"),
        created_at=created,
        in_reply_to=f"tweet:{tweet['in_reply_to_status_id_str']}"
        if tweet.get("in_reply_to_status_id_str")
        else "",
        author_handle=str(tweet.get("user_screen_name") or ""),
    )
