"""E-mail I/O: fetch new messages by UID over IMAP (resuming after the last UID), send answers by SMTP."""

from __future__ import annotations

import imaplib
import re
import smtplib
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from functools import partial

from resonanz.sources.connectors import DeliveryError, PollResult, ReplyTarget
from resonanz.sources.email.parse import parse_message
from resonanz.sources.models import Channel

MAX_PER_POLL = 200
TIMEOUT_SECONDS = 30


def _imap(channel: Channel) -> imaplib.IMAP4:
    config = channel.config
    host, port = str(config.get("imap_host", "")), int(config.get("imap_port") or 993)
    if str(config.get("imap_ssl", "yes")) == "no":
        return imaplib.IMAP4(host, port, timeout=TIMEOUT_SECONDS)
    return imaplib.IMAP4_SSL(host, port, timeout=TIMEOUT_SECONDS)


def poll(channel: Channel, secrets: dict[str, str]) -> PollResult:
    state = dict(channel.state)
    last_uid = int(state.get("last_uid", 0))
    own = str(channel.config.get("address", ""))
    result = PollResult(state=state)
    with _imap(channel) as imap:
        imap.login(str(channel.config.get("imap_user", "")), secrets.get("imap_password", ""))
        imap.select(str(channel.config.get("mailbox") or "INBOX"), readonly=True)
        _status, data = imap.uid("SEARCH", "UID", f"{last_uid + 1}:*")
        # "n:*" always matches the newest message, even when its UID is below n.
        uids = sorted(int(uid) for uid in (data[0] or b"").split() if int(uid) > last_uid)[:MAX_PER_POLL]
        for uid in uids:
            _status, parts = imap.uid("FETCH", str(uid), "(RFC822)")
            raw = next((part[1] for part in parts if isinstance(part, tuple)), b"")
            # A mail that cannot be read becomes a dead letter; the cursor moves past it either way.
            result.read(
                raw,
                where=f"UID {uid}",
                parse=partial(parse_message, raw, where=f"UID {uid}", own_address=own),
            )
            state["last_uid"] = uid
    return result


# "Re:", "AW:", "Antwort:", "WG:", "Fwd:", "SV:" …, also numbered ("Re[2]:") and stacked.
REPLY_PREFIXES = re.compile(
    r"^(\s*(re|aw|antw|antwort|wg|fw|fwd|sv|vs|r)\s*(\[\d+\])?\s*:)+\s*", re.IGNORECASE
)


def reply_subject(subject: str) -> str:
    """One "Re: " before the original subject, however many prefixes mail programs stacked up."""
    return f"Re: {REPLY_PREFIXES.sub('', subject or '').strip()}".rstrip()


def compose_reply(sender: str, target: ReplyTarget, text: str) -> EmailMessage:
    """The answer as a mail: Date, a fresh Message-ID, In-Reply-To and the whole References chain
    (the thread's ids oldest first, so every mail program threads it), a clean subject."""
    message = EmailMessage()
    message["From"], message["To"] = sender, target.author_handle
    message["Subject"] = reply_subject(target.subject)
    message["Date"] = format_datetime(datetime.now(UTC))
    message["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2] or None)
    parent = target.in_reply_to.removeprefix("mid:") if target.in_reply_to.startswith("mid:") else ""
    if parent:
        chain = [target.thread_key, *target.references, target.in_reply_to]
        ids = [key.removeprefix("mid:") for key in chain if key.startswith("mid:")]
        message["In-Reply-To"] = parent
        message["References"] = " ".join(dict.fromkeys(ids))
    message.set_content(text)
    return message


def send_reply(channel: Channel, secrets: dict[str, str], target: ReplyTarget, text: str) -> str:
    config = channel.config
    sender = str(config.get("address", ""))
    if "@" not in target.author_handle:
        raise DeliveryError("the customer has no e-mail address", permanent=True)
    message = compose_reply(sender, target, text)
    try:
        with smtplib.SMTP(
            str(config.get("smtp_host", "")), int(config.get("smtp_port") or 587), timeout=TIMEOUT_SECONDS
        ) as smtp:
            if str(config.get("smtp_starttls", "yes")) != "no":
                smtp.starttls()
            if config.get("smtp_user"):
                smtp.login(str(config["smtp_user"]), secrets.get("smtp_password", ""))
            smtp.send_message(message)
    except smtplib.SMTPRecipientsRefused as exc:
        raise DeliveryError(f"recipient refused: {exc}", permanent=True) from exc
    return f"mid:{message['Message-ID']}"
