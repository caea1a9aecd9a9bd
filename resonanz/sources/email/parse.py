"""One RFC 5322 message (bytes from IMAP or a .eml file) → IncomingPost, with the email package."""

from __future__ import annotations

from email import message_from_bytes, policy
from email.message import EmailMessage
from email.utils import parseaddr, parsedate_to_datetime
from typing import cast

from resonanz.sources.htmltext import html_to_text
from resonanz.sources.incoming import IncomingError, IncomingPost, make_post

MAX_MESSAGE_BYTES = 5 * 1024 * 1024


def message_id(value: str) -> str:
    value = value.strip()
    return f"mid:{value}" if value else ""


def _body(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain", "html"))
    if part is None:
        return ""
    content = cast(EmailMessage, part).get_content()
    text = html_to_text(content) if part.get_content_type() == "text/html" else content
    # Quoted history below the answer is noise in the inbox; the thread shows the earlier messages.
    return "\n".join(line for line in text.splitlines() if not line.startswith(">")).strip()


def parse_message(raw: bytes, *, where: str = "", own_address: str = "") -> IncomingPost:
    if len(raw) > MAX_MESSAGE_BYTES:
        raise IncomingError(f"message larger than {MAX_MESSAGE_BYTES} bytes", where=where)
    message = cast(EmailMessage, message_from_bytes(raw, policy=policy.default))
    name, address = parseaddr(str(message.get("From", "")))
    references = str(message.get("References", "")).split()
    try:
        created = parsedate_to_datetime(str(message["Date"])) if message.get("Date") else None
    except (TypeError, ValueError) as exc:
        raise IncomingError(f"unreadable Date header {message.get('Date')!r}", where=where) from exc
    automated = str(message.get("Auto-Submitted", "no")).lower() != "no" or bool(message.get("X-Autoreply"))
    return make_post(
        where=where,
        external_id=message_id(str(message.get("Message-ID", ""))),
        text=_body(message),
        created_at=created,
        author_handle=address.lower(),
        author_name=name or address,
        thread_key=message_id(references[0]) if references else "",
        in_reply_to=message_id(str(message.get("In-Reply-To", ""))),
        title=str(message.get("Subject", "")),
        from_brand=bool(own_address) and address.lower() == own_address.lower(),
        extra={"automated": "1"} if automated else {},
    )
