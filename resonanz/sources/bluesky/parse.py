"""XRPC JSON of Bluesky posts (app.bsky.feed.defs#postView / notifications) → IncomingPost."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from resonanz.sources.incoming import IncomingPost, make_post


def _moment(value: Any) -> datetime | None:
    return datetime.fromisoformat(str(value).replace("Z", "+00:00")) if value else None


def post_to_incoming(view: dict[str, Any], *, own_handle: str = "") -> IncomingPost:
    """A post view or a notification (both carry uri, author and record)."""
    record = view.get("record") or {}
    author = view.get("author") or {}
    reply = record.get("reply") or {}
    handle = str(author.get("handle", ""))
    rkey = str(view.get("uri", "")).rsplit("/", 1)[-1]
    return make_post(
        where=f"post {view.get('uri')}",
        external_id=view.get("uri"),
        text=record.get("text"),
        created_at=_moment(record.get("createdAt") or view.get("indexedAt")),
        author_handle=handle,
        author_name=author.get("displayName") or handle,
        thread_key=(reply.get("root") or {}).get("uri", ""),
        in_reply_to=(reply.get("parent") or {}).get("uri", ""),
        url=f"https://bsky.app/profile/{handle}/post/{rkey}" if handle and rkey else "",
        language_hint=(record.get("langs") or [""])[0],
        from_brand=bool(own_handle) and handle == own_handle,
    )


def mentions(notifications: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Mentions and replies to the account: the posts that need an answer."""
    return [n for n in notifications if n.get("reason") in ("mention", "reply")]
