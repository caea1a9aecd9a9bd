"""Real-world mail (fixtures/real-world/): unknown and bogus charsets, no Message-ID, Outlook HTML with
style sheets, attachment only, RFC 2231 charset oddities (CPython's test_email msg_32); and answers with
Date, the whole References chain and one clean "Re: "."""

from __future__ import annotations

from email import message_from_bytes, policy
from email.utils import parsedate_to_datetime
from pathlib import Path

import pytest

from resonanz.inbox.delivery import reply_target
from resonanz.inbox.models import Conversation, Message
from resonanz.inbox.pipeline import process_pending
from resonanz.sources.connectors import ReplyTarget
from resonanz.sources.email.client import compose_reply, reply_subject
from resonanz.sources.email.parse import decode_bytes, parse_message
from resonanz.sources.email.tests.imap_server import fake_imap
from resonanz.sources.email.tests.test_email import _channel
from resonanz.sources.polling import poll_channel

REAL = Path(__file__).resolve().parent.parent / "fixtures" / "real-world"


def _mail(name: str) -> bytes:
    return (REAL / name).read_bytes()


def test_unknown_8bit_and_bogus_charsets_fall_back_instead_of_raising():
    post = parse_message(_mail("unknown-8bit.eml"))
    assert "Grüße aus Königstein\n\u2013 Peter Weiß" in post.text  # cp1252 bytes, declared unknown-8bit
    assert parse_message(_mail("bogus-charset.eml")).text.endswith("Schöne Grüße")  # utf-8 bytes
    assert parse_message(_mail("rfc2231-odd-charset.eml")).text == "Some message."
    assert decode_bytes(b"\x81\x8d\xff", "no-such-charset") == "\x81\x8d\xff"  # latin-1, never raises
    assert decode_bytes("Grüße".encode(), "ascii") == "Grüße"  # a wrong declaration falls back too


def test_mail_without_message_id_gets_a_stable_synthetic_id():
    raw = _mail("no-message-id.eml")
    first, again = parse_message(raw), parse_message(raw)
    assert first.external_id.startswith("mail:") and first.external_id == again.external_id
    changed = parse_message(raw.replace(b"25 Minuten", b"30 Minuten"))
    assert changed.external_id != first.external_id
    # A contact form writes From itself and puts the person in Reply-To: the answer goes to the person.
    assert (first.author_handle, first.author_name) == ("maria.berg@example.com", "Maria Berg")


def test_outlook_html_only_mail_becomes_clean_text():
    post = parse_message(_mail("outlook-html-only.eml"))
    assert post.text == (
        "Hallo,\n\nich warte seit drei Wochen auf die Erstattung für den ausgefallenen Zug.\n\n"
        "Viele Grüße\nThomas Krause"
    )
    for noise in ("font-family", "MsoNormal", "alert(1)", "\n\n\n"):
        assert noise not in post.text


def test_attachment_only_mail_is_kept_with_a_placeholder():
    post = parse_message(_mail("attachment-only.eml"))
    assert post.text == "[Anhang: Fahrgastrechte-Formular.pdf]"


@pytest.mark.django_db
def test_every_real_world_mail_arrives_through_imap(brand):
    mails = [path.read_bytes() for path in sorted(REAL.glob("*.eml"))]
    with fake_imap(mails) as (_host, port):
        outcome = poll_channel(_channel(brand, port))
    assert (outcome.new, outcome.rejected, outcome.error) == (len(mails), 0, "")


@pytest.mark.parametrize(
    ("subject", "clean"),
    [
        ("Erstattung", "Re: Erstattung"),
        ("Re: Erstattung", "Re: Erstattung"),
        ("AW: Antwort: Re: Erstattung", "Re: Erstattung"),
        ("RE: AW: WG: Fwd: Erstattung", "Re: Erstattung"),
        ("Re[2]: SV: Erstattung", "Re: Erstattung"),
        ("Aw:Re:Erstattung", "Re: Erstattung"),
        ("Reparatur am Automaten", "Re: Reparatur am Automaten"),
        ("", "Re:"),
    ],
)
def test_reply_subject_has_one_re(subject, clean):
    assert reply_subject(subject) == clean


def test_reply_mail_has_date_full_references_and_in_reply_to():
    target = ReplyTarget(
        in_reply_to="mid:<c@x>",
        thread_key="mid:<a@x>",
        author_handle="kunde@example.org",
        subject="AW: Antwort: Erstattung",
        references=("mid:<a@x>", "mid:<b@x>", "status:1"),
    )
    sent = message_from_bytes(
        bytes(compose_reply("service@elbtal.example", target, "Hallo")), policy=policy.default
    )
    assert parsedate_to_datetime(str(sent["Date"])).tzinfo is not None
    assert sent["In-Reply-To"] == "<c@x>"
    assert sent["References"] == "<a@x> <b@x> <c@x>"
    assert sent["Subject"] == "Re: Erstattung"


@pytest.mark.django_db
def test_reply_target_carries_the_thread_and_the_author_answered(brand):
    first = (
        b"Message-ID: <a@x>\nDate: Fri, 20 Nov 2026 08:00:00 +0100\nFrom: Jana <jana@example.org>\n"
        b"Subject: Zug\n\nEins\n"
    )
    second = (
        b"Message-ID: <b@x>\nDate: Fri, 20 Nov 2026 09:00:00 +0100\nFrom: Jana <jana@example.org>\n"
        b"In-Reply-To: <a@x>\nReferences: <a@x>\nSubject: Re: Zug\n\nZwei\n"
    )
    third = (
        b"Message-ID: <c@x>\nDate: Fri, 20 Nov 2026 10:00:00 +0100\nFrom: Ben <ben@example.org>\n"
        b"In-Reply-To: <b@x>\nReferences: <a@x> <b@x>\nSubject: Re: Re: Zug\n\nDrei\n"
    )
    with fake_imap([first, second, third]) as (_host, port):
        channel = _channel(brand, port)
        poll_channel(channel)
    process_pending()
    conversation = Conversation.objects.get()
    answer = Message.objects.create(
        conversation=conversation, channel=channel, direction="out", text="Antwort", in_reply_to="mid:<c@x>"
    )
    target = reply_target(answer)
    assert target.author_handle == "ben@example.org"  # the author of the mail answered
    assert target.references == ("mid:<a@x>", "mid:<b@x>")
    sent = compose_reply("service@elbtal.example", target, "Antwort")
    assert sent["References"] == "<a@x> <b@x> <c@x>"
