"""Meta "Download your information" JSON (Facebook page/profile): comments and posts.

Meta writes UTF-8 bytes as if they were Latin-1 escapes (``Ã¤`` for ``ä``); every string is repaired
by re-encoding as Latin-1 and decoding as UTF-8. The export has no ids, so a stable hash stands in.
Meta changes this schema without notice, so unknown shapes are rejected per item, not fatally.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from resonanz.core import jsonlimits
from resonanz.sources.attachments import attachment_text
from resonanz.sources.imports.base import ImportFormatError, ParsedFile, read_text, stable_id
from resonanz.sources.incoming import IncomingError, make_post

LIST_KEYS = ("comments_v2", "comments", "posts_v2", "posts")
MAX_JSON_DEPTH = 200  # Meta's exports nest about ten levels


def repair_mojibake(text: str) -> str:
    try:
        return text.encode("latin-1").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return text  # already proper Unicode (or not Meta's mistake)


def _items(data: Any, name: str) -> tuple[str, list[Any]]:
    if isinstance(data, list):
        return "", data
    if isinstance(data, dict):
        for key in LIST_KEYS:
            if isinstance(data.get(key), list):
                return key, data[key]
    raise ImportFormatError(f"{name}: not a Meta export (expected a list or one of {', '.join(LIST_KEYS)})")


def parse(path: Path, *, encoding: str = "utf-8") -> ParsedFile:
    text = read_text(path, encoding=encoding)
    try:
        # No prescan: export files are large; the depth is only measured if the decoder gives up.
        data = jsonlimits.loads(text, max_depth=MAX_JSON_DEPTH, prescan=False)
    except jsonlimits.JsonTooDeep as exc:
        raise ImportFormatError(f"{path.name}: {exc}") from exc
    except json.JSONDecodeError as exc:
        raise ImportFormatError(
            f"{path.name}: line {exc.lineno}, column {exc.colno}: broken JSON: {exc.msg}"
        ) from exc
    key, items = _items(data, path.name)
    # The owner's own posts: "posts_v2", or a bare list in a file named like "your_posts_1.json".
    own = key.startswith("posts") or (not key and "post" in path.name.lower())
    result = ParsedFile()
    for index, item in enumerate(items):
        where = f"{path.name}: {key or 'item'}[{index}]"
        try:
            result.posts.append(_item(item, where, own=own))
        except IncomingError as exc:
            result.rejected.append((where, exc.reason))
    return result


def _attachments(item: dict[str, Any]) -> list[str]:
    """Photos, videos and links of an item (``attachments[].data[].media/external_context``) as
    placeholders: 8 of 14 posts in a real export were only a picture."""
    found: list[str] = []
    for attachment in item.get("attachments") or []:
        for entry in (attachment or {}).get("data") or [] if isinstance(attachment, dict) else []:
            if not isinstance(entry, dict):
                continue
            media = entry.get("media") if isinstance(entry.get("media"), dict) else None
            if media is not None:
                uri = repair_mojibake(str(media.get("uri") or ""))
                kind = "video" if uri.lower().endswith((".mp4", ".mov")) else "image"
                found.append(attachment_text(kind=kind, url=uri))
            context = entry.get("external_context")
            if isinstance(context, dict) and context.get("url"):
                found.append(str(context["url"]))
    return found


def _item(item: Any, where: str, *, own: bool = False) -> Any:
    if not isinstance(item, dict):
        raise IncomingError("not an object", where=where)
    entries = item.get("data") or []
    inner: dict[str, Any] = {}
    for entry in entries if isinstance(entries, list) else []:
        if isinstance(entry, dict):
            inner.update(entry.get("comment") or {}) if "comment" in entry else inner.update(entry)
    body = repair_mojibake(str(inner.get("comment") or inner.get("post") or ""))
    body = "\n".join(filter(None, [body, *_attachments(item)]))
    author = repair_mojibake(str(inner.get("author") or ""))
    stamp = inner.get("timestamp") or item.get("timestamp")
    if not isinstance(stamp, int | float):
        raise IncomingError("no timestamp", where=where)
    created = datetime.fromtimestamp(stamp, tz=UTC)
    # Meta's "title" describes the activity ("X commented on Y's post"): context, not a subject.
    context = repair_mojibake(str(item.get("title") or ""))
    return make_post(
        where=where,
        external_id=stable_id("fb", author, str(stamp), body),
        text=body,
        created_at=created,
        author_handle=author,
        author_name=author,
        # The export's posts are the page's own: history beside the customers' comments, never a
        # conversation of their own (see inbox/apply.py).
        from_brand=own,
        extra=({"context": context[:200]} if context else {}) | ({"history": "1"} if own else {}),
    )
