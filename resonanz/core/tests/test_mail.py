"""The embedded mode's console mail backend prints mails readably: decoded text, one line per attachment."""

from __future__ import annotations

import io

from django.core.mail import EmailMultiAlternatives

from resonanz.core.mail import ConsoleBackend


def test_console_mail_shows_decoded_text_and_summarises_attachments():
    stream = io.StringIO()
    mail = EmailMultiAlternatives(
        subject="Monatsbericht für Elbtal Bahn",
        body="Grüße! Den Bericht findest du im Anhang: http://127.0.0.1:8000/b/elbtal-bahn/",
        from_email="noreply@localhost",
        to=["maren@example.org"],
    )
    mail.attach_alternative("<p>Grüße!</p>", "text/html")
    mail.attach("bericht.pdf", b"%PDF-1.4 " + b"x" * 5000, "application/pdf")
    ConsoleBackend(stream=stream).send_messages([mail])
    printed = stream.getvalue()
    assert "Subject: Monatsbericht für Elbtal Bahn" in printed
    assert "To: maren@example.org" in printed
    assert "Grüße! Den Bericht findest du im Anhang: http://127.0.0.1:8000/b/elbtal-bahn/" in printed
    assert "[attachment: bericht.pdf (application/pdf, 5,009 bytes)]" in printed
    assert "xxxx" not in printed and "JVBER" not in printed  # neither raw nor base64 PDF bytes
