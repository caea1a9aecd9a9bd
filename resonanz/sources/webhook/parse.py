"""The generic webhook's JSON: one post object, or ``{"posts": [ … ]}``. All or nothing."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from resonanz.core import jsonlimits
from resonanz.sources.incoming import IncomingError, IncomingPost, make_post

MAX_POSTS = 500
MAX_DEPTH = 32  # a post is an object in a list in an object; anything far deeper is not a post


def parse_body(body: bytes) -> list[IncomingPost]:
    """Every post of the body, or IncomingError naming the first bad one (nothing is stored then)."""
    try:
        data: Any = jsonlimits.loads(body, max_depth=MAX_DEPTH)
    except UnicodeDecodeError as exc:
        raise IncomingError(f"body is not UTF-8 (byte {exc.start})") from exc
    except json.JSONDecodeError as exc:
        raise IncomingError(f"broken JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}") from exc
    items = data.get("posts") if isinstance(data, dict) and "posts" in data else [data]
    if not isinstance(items, list) or not items:
        raise IncomingError('expected a post object or {"posts": [ … ]}')
    if len(items) > MAX_POSTS:
        raise IncomingError(f"{len(items)} posts in one request; at most {MAX_POSTS}")
    return [_post(item, f"posts[{index}]") for index, item in enumerate(items)]


def _post(item: Any, where: str) -> IncomingPost:
    if not isinstance(item, dict):
        raise IncomingError("not an object", where=where)
    created = item.get("created_at")
    try:
        moment = datetime.fromisoformat(str(created).replace("Z", "+00:00")) if created else None
    except ValueError as exc:
        raise IncomingError(f"created_at {created!r} is not ISO 8601", where=where) from exc
    return make_post(
        where=where,
        external_id=item.get("id"),
        text=item.get("text"),
        created_at=moment,
        author_handle=item.get("author"),
        author_name=item.get("author_name") or item.get("author"),
        thread_key=item.get("thread"),
        in_reply_to=item.get("reply_to"),
        url=item.get("url"),
        title=item.get("title"),
    )
