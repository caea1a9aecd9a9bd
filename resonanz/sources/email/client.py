"""E-mail I/O: fetch new messages by UID over IMAP (resuming after the last UID), send answers by SMTP."""

from __future__ import annotations

import imaplib
import smtplib
from email.message import EmailMessage
from email.utils import make_msgid

from resonanz.sources.connectors import DeliveryError, PollResult, ReplyTarget
from resonanz.sources.email.parse import parse_message
from resonanz.sources.incoming import IncomingError
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
            try:
                result.posts.append(parse_message(raw, where=f"UID {uid}", own_address=own))
            except IncomingError as exc:
                result.rejected.append((exc.where, exc.reason))
            state["last_uid"] = uid
    return result


def send_reply(channel: Channel, secrets: dict[str, str], target: ReplyTarget, text: str) -> str:
    config = channel.config
    sender = str(config.get("address", ""))
    if "@" not in target.author_handle:
        raise DeliveryError("the customer has no e-mail address", permanent=True)
    message = EmailMessage()
    message["From"], message["To"] = sender, target.author_handle
    subject = target.subject or ""
    message["Subject"] = subject if subject.lower().startswith("re:") else f"Re: {subject}"
    message["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2] or None)
    parent = target.in_reply_to.removeprefix("mid:")
    if parent:
        root = target.thread_key.removeprefix("mid:")
        message["In-Reply-To"] = parent
        message["References"] = " ".join(dict.fromkeys(filter(None, [root, parent])))
    message.set_content(text)
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
