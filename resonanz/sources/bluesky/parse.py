"""XRPC JSON of Bluesky posts (app.bsky.feed.defs#postView / notifications) → IncomingPost."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from resonanz.sources.attachments import attachment_text
from resonanz.sources.incoming import IncomingPost, make_post
from resonanz.sources.models import Channel


def _moment(value: Any) -> datetime | None:
    return datetime.fromisoformat(str(value).replace("Z", "+00:00")) if value else None


def post_to_incoming(view: dict[str, Any], *, own_handle: str = "") -> IncomingPost:
    """A post view or a notification (both carry uri, author and record)."""
    record = view.get("record") or {}
    author = view.get("author") or {}
    reply = record.get("reply") or {}
    handle = str(author.get("handle", ""))
    rkey = str(view.get("uri", "")).rsplit("/", 1)[-1]
    url = f"https://bsky.app/profile/{handle}/post/{rkey}" if handle and rkey else ""
    return make_post(
        where=f"post {view.get('uri')}",
        external_id=view.get("uri"),
        text="\n".join(filter(None, [str(record.get("text") or ""), *_media(record.get("embed"), url)])),
        created_at=_moment(record.get("createdAt") or view.get("indexedAt")),
        author_handle=handle,
        author_name=author.get("displayName") or handle,
        thread_key=(reply.get("root") or {}).get("uri", ""),
        in_reply_to=(reply.get("parent") or {}).get("uri", ""),
        url=url,
        language_hint=(record.get("langs") or [""])[0],
        from_brand=bool(own_handle) and handle == own_handle,
    )


def _media(embed: Any, url: str) -> list[str]:
    """Placeholders for images and videos (a post may be only a picture), linking to the post."""
    if not isinstance(embed, dict):
        return []
    kind = str(embed.get("$type", ""))
    if kind.startswith("app.bsky.embed.recordWithMedia"):
        return _media(embed.get("media"), url)
    if kind.startswith("app.bsky.embed.images"):
        return [attachment_text(kind="image", url=url) for _ in embed.get("images") or [None]]
    if kind.startswith("app.bsky.embed.video"):
        return [attachment_text(kind="video", url=url)]
    return []


def reparse(channel: Channel, raw: bytes) -> IncomingPost:
    """A dead letter's retry: the stored post JSON read again."""
    return post_to_incoming(json.loads(raw), own_handle=str(channel.config.get("handle", "")))


def mentions(notifications: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Mentions and replies to the account: the posts that need an answer."""
    return [n for n in notifications if n.get("reason") in ("mention", "reply")]
