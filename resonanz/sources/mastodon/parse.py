"""Mastodon statuses (API JSON as Mastodon.py returns it) → IncomingPost. Field names stay here."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from resonanz.sources.attachments import attachment_text
from resonanz.sources.htmltext import html_to_text
from resonanz.sources.incoming import IncomingPost, make_post
from resonanz.sources.models import Channel


def status_id(status_id: Any) -> str:
    return f"status:{status_id}"


def status_to_post(status: Any, *, own_account: str = "") -> IncomingPost:
    account = status.get("account") or {}
    acct = str(account.get("acct", ""))
    created = status.get("created_at")
    if isinstance(created, str):
        created = datetime.fromisoformat(created.replace("Z", "+00:00"))
    text = html_to_text(status.get("content", ""))
    if status.get("spoiler_text"):
        text = f"{status['spoiler_text']}\n\n{text}"
    # Image-only posts are kept: a placeholder and the link to each file stand in for the picture.
    media = [
        attachment_text(
            kind=str(item.get("type", "")), url=str(item.get("url") or item.get("remote_url") or "")
        )
        for item in status.get("media_attachments") or []
        if isinstance(item, dict)
    ]
    text = "\n".join(filter(None, [text, *media]))
    reply_to = status.get("in_reply_to_id")
    return make_post(
        where=f"status {status.get('id')}",
        external_id=status_id(status.get("id")) if status.get("id") else "",
        text=text,
        created_at=created,
        author_handle=acct,
        author_name=account.get("display_name") or acct,
        in_reply_to=status_id(reply_to) if reply_to else "",
        url=status.get("url") or status.get("uri") or "",
        language_hint=status.get("language") or "",
        from_brand=bool(own_account) and acct == own_account,
    )


def reparse(channel: Channel, raw: bytes) -> IncomingPost:
    """A dead letter's retry: the stored status JSON read again."""
    return status_to_post(json.loads(raw), own_account=str(channel.config.get("account", "")))


def mention_statuses(notifications: list[Any]) -> list[Any]:
    return [n["status"] for n in notifications if n.get("type") == "mention" and n.get("status")]
