"""One RFC 5322 message (bytes from IMAP or a .eml file) → IncomingPost, with the email package.

Real mail is messy: charsets nobody knows (``unknown-8bit``, typos), no Message-ID, HTML only (with
Outlook's style sheets), only an attachment. Each is read rather than refused (see docs/inbox.md).
"""

from __future__ import annotations

import codecs
from email import message_from_bytes, policy
from email.message import EmailMessage, Message
from email.utils import parseaddr, parsedate_to_datetime
from typing import cast

from resonanz.sources.attachments import attachment_text
from resonanz.sources.htmltext import html_to_text
from resonanz.sources.incoming import IncomingError, IncomingPost, make_post, synthetic_id
from resonanz.sources.models import Channel

MAX_MESSAGE_BYTES = 5 * 1024 * 1024
# Tried in order when the declared charset is unknown or wrong; latin-1 decodes any byte.
FALLBACK_CHARSETS = ("utf-8", "cp1252")


def message_id(value: str) -> str:
    value = value.strip()
    return f"mid:{value}" if value else ""


def decode_bytes(data: bytes, charset: str | None) -> str:
    """The declared charset if Python knows it and it fits, else UTF-8, else cp1252, else latin-1
    with replacement characters: a mail is never refused for its encoding."""
    candidates = [charset] if charset else []
    for name in [*candidates, *FALLBACK_CHARSETS]:
        try:
            codecs.lookup(name)
            return data.decode(name)
        except (LookupError, UnicodeDecodeError):
            continue
    return data.decode("latin-1", errors="replace")


def _part_text(part: Message) -> str:
    payload = part.get_payload(decode=True)
    if not isinstance(payload, bytes):
        return str(part.get_payload() or "")
    return decode_bytes(payload, part.get_content_charset())


def _header(message: EmailMessage, name: str) -> str:
    """A header as text; a header in an unknown charset is kept as readable as possible, not raised."""
    try:
        return str(message.get(name, "") or "")
    except (LookupError, UnicodeError, ValueError):
        raw = message.get_all(name, failobj=[])
        return " ".join(str(value) for value in raw) if raw else ""


def _attachments(message: EmailMessage) -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    for part in message.walk():
        if part.is_multipart():
            continue
        filename = part.get_filename()
        if filename or part.get_content_disposition() == "attachment":
            found.append((str(filename or ""), part.get_content_type()))
    return found


def _body(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain", "html"))
    if part is None:
        return ""
    content = _part_text(part)
    text = html_to_text(content) if part.get_content_type() == "text/html" else content
    # Quoted history below the answer is noise in the inbox; the thread shows the earlier messages.
    return "\n".join(line for line in text.splitlines() if not line.startswith(">")).strip()


def parse_message(raw: bytes, *, where: str = "", own_address: str = "") -> IncomingPost:
    if len(raw) > MAX_MESSAGE_BYTES:
        raise IncomingError(f"message larger than {MAX_MESSAGE_BYTES} bytes", where=where)
    message = cast(EmailMessage, message_from_bytes(raw, policy=policy.default))
    sender, subject, date = _header(message, "From"), _header(message, "Subject"), _header(message, "Date")
    name, address = parseaddr(sender)
    # Contact forms send From their own address with the person in Reply-To: answers go there.
    reply_name, reply_address = parseaddr(_header(message, "Reply-To"))
    own = bool(own_address) and address.lower() == own_address.lower()
    if reply_address and "@" in reply_address and not own:
        name, address = reply_name or reply_address, reply_address
    references = _header(message, "References").split()
    try:
        created = parsedate_to_datetime(date) if date else None
    except (TypeError, ValueError) as exc:
        raise IncomingError(f"unreadable Date header {date!r}", where=where) from exc
    automated = _header(message, "Auto-Submitted").lower() not in ("", "no") or bool(
        message.get("X-Autoreply")
    )
    body = _body(message)
    files = _attachments(message)
    if files:
        body = "\n".join(filter(None, [body, *(attachment_text(n, kind=k) for n, k in files)]))
    # No Message-ID (8 of 77 real mails in the field test): the same mail always gets the same id.
    external_id = message_id(_header(message, "Message-ID")) or synthetic_id(
        "mail", address.lower(), date, subject, body
    )
    return make_post(
        where=where,
        external_id=external_id,
        text=body,
        created_at=created,
        author_handle=address.lower(),
        author_name=name or address,
        thread_key=message_id(references[0]) if references else "",
        in_reply_to=message_id(_header(message, "In-Reply-To")),
        title=subject,
        from_brand=own,
        extra={"automated": "1"} if automated else {},
    )


def reparse(channel: Channel, raw: bytes) -> IncomingPost:
    """A dead letter's retry: the stored message read again."""
    return parse_message(raw, where="dead letter", own_address=str(channel.config.get("address", "")))
