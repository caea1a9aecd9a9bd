"""X (Twitter) archive: the ZIP as downloaded, or its ``data/tweets.js`` / ``data/direct-messages.js``.

Each ``.js`` file is a JavaScript assignment (``window.YTD.tweets.part0 = [ … ]``): everything up to the
first ``=`` is dropped, the rest is a JSON array, read item by item so a rejected item is reported with
its line number. Whose archive it is comes from ``data/account.js``:

- ``tweets.js`` holds the account's *own* tweets: its replies are the brand's answers (outgoing, threaded
  under the customer's tweet); they are history that fills conversations with a customer message, never
  conversations of their own (the customers' tweets are not in the archive). Other tweets are
  broadcasts, not dialogue, and are skipped.
- ``direct-messages.js`` holds whole DM conversations with both sides: the customer service part;
  conversations in which only the brand wrote are skipped.

Texts are HTML-escaped in the archive (``&amp;``, ``&gt;``) and links are t.co short links: both are
undone from the archive's own entities; media become a placeholder with the link.
"""

from __future__ import annotations

import html
import json
import zipfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from resonanz.core import jsonlimits
from resonanz.sources.attachments import attachment_text
from resonanz.sources.imports.base import (
    MAX_FILE_BYTES,
    ImportFormatError,
    ParsedFile,
    decode_text,
    line_of,
    read_text,
)
from resonanz.sources.incoming import IncomingError, IncomingPost, make_post

X_TIME = "%a %b %d %H:%M:%S %z %Y"
TWEET_FILES = ("tweets.js", "tweet.js")  # "tweet.js" in archives before 2022
MAX_JSON_DEPTH = 200  # X archives nest about ten levels
DM_FILES = ("direct-messages.js", "direct-messages-group.js")


@dataclass(frozen=True)
class Account:
    account_id: str = ""
    username: str = ""
    display_name: str = ""


def _array_items(text: str, name: str) -> list[tuple[int, Any]]:
    """(offset, value) for each element of the JSON array after the assignment."""
    equals = text.find("=")
    start = text.find("[", equals + 1 if equals >= 0 else 0)
    if start < 0 or (equals >= 0 and text[equals + 1 : start].strip()):
        raise ImportFormatError(f"{name}: line 1: not an X archive file (expected `window.YTD.… = [`)")
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
    except RecursionError:  # the decoder gives up near 1,000 levels; say where instead of a traceback
        offset = jsonlimits.first_too_deep(text[pos:], MAX_JSON_DEPTH)
        line = text.count("\n", 0, pos + (offset or 0)) + 1
        raise ImportFormatError(
            f"{name}: line {line}: JSON nested deeper than {MAX_JSON_DEPTH} levels"
        ) from None


def parse_account(text: str, name: str) -> Account:
    for _offset, value in _array_items(text, name):
        account = value.get("account") if isinstance(value, dict) else None
        if isinstance(account, dict):
            return Account(
                account_id=str(account.get("accountId") or ""),
                username=str(account.get("username") or ""),
                display_name=str(account.get("accountDisplayName") or ""),
            )
    raise ImportFormatError(f"{name}: no account in the file")


def parse_tweets(text: str, name: str, account: Account, result: ParsedFile) -> None:
    for offset, value in _array_items(text, name):
        where = f"{name}: line {line_of(text, offset)}"
        try:
            post = _tweet(value, where, account)
        except IncomingError as exc:
            result.rejected.append((where, exc.reason))
            continue
        if post is None:
            result.rejected.append((where, "not a reply: the account's own post, no dialogue"))
        else:
            result.posts.append(post)


def _expand(text: str, urls: list[Any], media: list[Any]) -> str:
    """Unescape the archive's HTML entities; t.co links → the link behind them; media → placeholders."""
    text = html.unescape(text or "")
    for entry in urls:
        if isinstance(entry, dict) and entry.get("url"):
            text = text.replace(
                str(entry["url"]), str(entry.get("expanded_url") or entry.get("expanded") or entry["url"])
            )
    for entry in media:
        if isinstance(entry, dict) and entry.get("url"):
            text = text.replace(str(entry["url"]), "").rstrip()
            link = str(entry.get("media_url_https") or entry.get("expanded_url") or "")
            text = "\n".join(filter(None, [text, attachment_text(kind=_media_kind(entry), url=link)]))
        elif isinstance(entry, str):  # direct messages list their media as plain URLs
            text = "\n".join(filter(None, [text, attachment_text(kind="image", url=entry)]))
    return text.strip()


def _media_kind(entry: dict[str, Any]) -> str:
    return "video" if entry.get("type") in ("video", "animated_gif") else "image"


def _tweet(value: Any, where: str, account: Account) -> IncomingPost | None:
    tweet = value.get("tweet", value) if isinstance(value, dict) else None
    if not isinstance(tweet, dict):
        raise IncomingError("not a tweet object", where=where)
    parent = str(tweet.get("in_reply_to_status_id_str") or "")
    if not parent:
        return None
    try:
        created = datetime.strptime(str(tweet.get("created_at", "")), X_TIME)
    except ValueError as exc:
        raise IncomingError(f"unreadable created_at {tweet.get('created_at')!r}", where=where) from exc
    tweet_id = str(tweet.get("id_str") or tweet.get("id") or "")
    user = account.username
    entities = tweet.get("entities") if isinstance(tweet.get("entities"), dict) else {}
    extended = tweet.get("extended_entities") if isinstance(tweet.get("extended_entities"), dict) else {}
    media = (extended or {}).get("media") or (entities or {}).get("media") or []
    return make_post(
        where=where,
        external_id=f"tweet:{tweet_id}" if tweet_id else "",
        text=_expand(
            str(tweet.get("full_text") or tweet.get("text") or ""), (entities or {}).get("urls") or [], media
        ),
        created_at=created,
        in_reply_to=f"tweet:{parent}",
        author_handle=user,
        author_name=account.display_name or user,
        url=f"https://x.com/{user}/status/{tweet_id}" if user and tweet_id else "",
        language_hint=str(tweet.get("lang") or ""),
        from_brand=True,
        extra={"history": "1"},
    )


def _dm_owner(items: list[tuple[int, Any]], account: Account, name: str) -> str:
    """The archive owner's id: from account.js, else the one id every conversation has in common."""
    if account.account_id:
        return account.account_id
    common: set[str] | None = None
    for _offset, value in items:
        conversation = (value or {}).get("dmConversation") if isinstance(value, dict) else None
        ids = set(str((conversation or {}).get("conversationId", "")).split("-")) - {""}
        common = ids if common is None else common & ids
    if common is not None and len(common) == 1:
        return common.pop()
    raise ImportFormatError(
        f"{name}: cannot tell which account is yours; import the archive ZIP or put its account.js "
        "next to the file"
    )


def parse_direct_messages(text: str, name: str, account: Account, result: ParsedFile) -> None:
    items = _array_items(text, name)
    owner = _dm_owner(items, account, name)
    for offset, value in items:
        where = f"{name}: line {line_of(text, offset)}"
        conversation = value.get("dmConversation") if isinstance(value, dict) else None
        if not isinstance(conversation, dict):
            result.rejected.append((where, "not a dmConversation object"))
            continue
        key = str(conversation.get("conversationId") or "")
        entries = conversation.get("messages") or []
        senders = {
            str((entry.get("messageCreate") or {}).get("senderId") or "")
            for entry in entries
            if isinstance(entry, dict) and isinstance(entry.get("messageCreate"), dict)
        }
        if not senders - {owner}:
            result.rejected.append(
                (where, "only the account's own messages: no customer in this conversation")
            )
            continue
        for index, entry in enumerate(entries):
            message = entry.get("messageCreate") if isinstance(entry, dict) else None
            if not isinstance(message, dict):
                continue  # joins, leaves, renames of group conversations: no text
            spot = f"{where} message {index + 1}"
            try:
                result.posts.append(_dm(message, spot, key, owner, account))
            except IncomingError as exc:
                result.rejected.append((spot, exc.reason))


def _dm(message: dict[str, Any], where: str, key: str, owner: str, account: Account) -> IncomingPost:
    created_at = str(message.get("createdAt") or "")
    try:
        created = datetime.fromisoformat(created_at.replace("Z", "+00:00"))
    except ValueError as exc:
        raise IncomingError(f"unreadable createdAt {created_at!r}", where=where) from exc
    sender = str(message.get("senderId") or "")
    mine = sender == owner
    return make_post(
        where=where,
        external_id=f"dm:{message.get('id')}" if message.get("id") else "",
        text=_expand(
            str(message.get("text") or ""), message.get("urls") or [], message.get("mediaUrls") or []
        ),
        created_at=created,
        thread_key=f"dm:{key}" if key else "",
        author_handle=account.username if mine and account.username else sender,
        author_name=account.display_name if mine else "",
        from_brand=mine,
    )


def parse(path: Path, *, encoding: str = "utf-8") -> ParsedFile:
    """A ZIP archive, a tweets.js or a direct-messages.js (with account.js next to it, if there)."""
    if zipfile.is_zipfile(path):
        return _parse_zip(path, encoding=encoding)
    text = read_text(path, encoding=encoding)
    sibling = path.with_name("account.js")
    account = parse_account(read_text(sibling), sibling.name) if sibling.is_file() else Account()
    result = ParsedFile()
    if "direct_messages" in text[:200] or path.name.startswith("direct-message"):
        parse_direct_messages(text, path.name, account, result)
    else:
        parse_tweets(text, path.name, account, result)
    return result


def _parse_zip(path: Path, *, encoding: str) -> ParsedFile:
    try:
        archive = zipfile.ZipFile(path)
    except zipfile.BadZipFile as exc:
        raise ImportFormatError(f"{path.name}: broken ZIP file: {exc}") from exc
    with archive:
        members = {Path(info.filename).name: info for info in archive.infolist() if not info.is_dir()}
        total = sum(info.file_size for name, info in members.items() if name.endswith(".js"))
        if total > MAX_FILE_BYTES:
            raise ImportFormatError(f"{path.name}: {total} bytes unpacked, more than {MAX_FILE_BYTES}")

        def text_of(name: str) -> str:
            return decode_text(archive.read(members[name]), f"{path.name}/{name}", encoding=encoding)

        account = parse_account(text_of("account.js"), "account.js") if "account.js" in members else Account()
        result = ParsedFile()
        found = False
        for name in sorted(members):
            if name in TWEET_FILES or (name.startswith("tweets-part") and name.endswith(".js")):
                parse_tweets(text_of(name), f"{path.name}/{name}", account, result)
                found = True
            elif name in DM_FILES or (name.startswith("direct-messages-part") and name.endswith(".js")):
                parse_direct_messages(text_of(name), f"{path.name}/{name}", account, result)
                found = True
        if not found:
            raise ImportFormatError(f"{path.name}: no tweets.js or direct-messages.js in the archive")
        return result
