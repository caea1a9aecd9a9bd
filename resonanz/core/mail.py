"""The default mail backend of the embedded mode: mails are printed to the console, readably.

Django's console backend prints the raw MIME message, so a report with a PDF attachment fills the
terminal with base64 and a German text shows as quoted-printable. This one prints the headers, the
decoded text part and one line per attachment; links (password reset) stay copyable.
"""

from __future__ import annotations

from email.header import decode_header, make_header
from email.message import Message
from typing import Any

from django.core.mail.backends.console import EmailBackend as DjangoConsoleBackend

HEADERS = ("From", "To", "Cc", "Subject", "Date")


class ConsoleBackend(DjangoConsoleBackend):
    def write_message(self, message: Any) -> None:
        mime = message.message()
        lines = [f"{name}: {make_header(decode_header(str(mime[name])))}" for name in HEADERS if mime[name]]
        lines.append("")
        for part in mime.walk():
            if part.is_multipart():
                continue
            lines.extend(_describe(part))
        self.stream.write("\n".join(lines) + "\n" + "-" * 79 + "\n")


def _describe(part: Message) -> list[str]:
    payload = part.get_payload(decode=True)
    data = payload if isinstance(payload, bytes) else b""
    filename = part.get_filename()
    if filename is None and part.get_content_type() == "text/plain":
        return [data.decode(part.get_content_charset() or "utf-8", errors="replace")]
    if filename is None and part.get_content_type() == "text/html":
        return [f"[HTML version, {len(data):,} bytes]"]
    return [f"[attachment: {filename or 'unnamed'} ({part.get_content_type()}, {len(data):,} bytes)]"]
