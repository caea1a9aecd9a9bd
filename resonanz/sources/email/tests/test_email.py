"""E-mail against a fake IMAP server and aiosmtpd on loopback, with recorded .eml files."""

from __future__ import annotations

import socket
from email import message_from_bytes, policy
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller

from resonanz.inbox.models import Conversation, DeliveryStatus, Message
from resonanz.inbox.pipeline import process_pending
from resonanz.inbox.services import reply_to_conversation
from resonanz.sources.crypto import encrypt_credentials
from resonanz.sources.email.parse import parse_message
from resonanz.sources.email.tests.imap_server import fake_imap
from resonanz.sources.models import Channel, ChannelKind
from resonanz.sources.polling import poll_channel

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
EMLS = [path.read_bytes() for path in sorted(FIXTURES.glob("*.eml"))]
pytestmark = pytest.mark.django_db


def _channel(brand, imap_port, smtp_port=25):
    return Channel.objects.create(
        brand=brand,
        kind=ChannelKind.EMAIL,
        name="Service",
        config={
            "imap_host": "127.0.0.1",
            "imap_port": imap_port,
            "imap_ssl": "no",
            "imap_user": "service",
            "smtp_host": "127.0.0.1",
            "smtp_port": smtp_port,
            "smtp_starttls": "no",
            "address": "service@elbtal.example",
        },
        credentials=encrypt_credentials({"imap_password": "pw"}),
    )


def test_recorded_mail_is_parsed():
    post = parse_message(EMLS[0])
    assert post.author_handle == "jana@example.org" and post.author_name == "Jana König"
    assert post.title == "Erstattung für ausgefallenen Zug"
    assert "Wie bekomme ich mein Geld zurück?" in post.text
    followup = parse_message(EMLS[1])
    assert followup.thread_key == "mid:<a1b2c3@mail.example.org>"
    assert followup.text == "Danke, das Formular finde ich aber nicht."
    assert parse_message(EMLS[2]).extra == {"automated": "1"}


def test_imap_poll_ingests_threads_and_resumes_by_uid(brand):
    with fake_imap(EMLS) as (_host, port):
        channel = _channel(brand, port)
        first = poll_channel(channel)
        process_pending()
        channel.refresh_from_db()
        second = poll_channel(channel)
    assert (first.new, first.error, second.new) == (3, "", 0)
    assert channel.state == {"last_uid": 3}
    assert Conversation.objects.get(thread_key="mid:<a1b2c3@mail.example.org>").message_count == 2
    assert Message.objects.get(external_id="mid:<auto-9@mail.example.org>").is_automated


def test_wrong_imap_password_is_reported(brand):
    with fake_imap(EMLS, password="other") as (_host, port):
        outcome = poll_channel(_channel(brand, port))
    assert "Invalid credentials" in outcome.error


class _Inbox:
    def __init__(self) -> None:
        self.messages: list[bytes] = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(envelope.content)
        return "250 OK"


def test_answer_goes_out_by_smtp_in_the_thread(brand, agent, django_capture_on_commit_callbacks):
    inbox = _Inbox()
    with socket.socket() as probe:  # a free loopback port for the SMTP server
        probe.bind(("127.0.0.1", 0))
        smtp_port = probe.getsockname()[1]
    controller = Controller(inbox, hostname="127.0.0.1", port=smtp_port)
    controller.start()
    try:
        with fake_imap(EMLS[:1]) as (_host, port):
            channel = _channel(brand, port, smtp_port=smtp_port)
            poll_channel(channel)
        process_pending()
        conversation = Conversation.objects.get()
        with django_capture_on_commit_callbacks(execute=True):
            answer = reply_to_conversation(
                conversation, text="Über das Formular auf unserer Website.", by=agent
            )
    finally:
        controller.stop()
    sent = message_from_bytes(inbox.messages[0], policy=policy.default)
    assert sent["To"] == "jana@example.org"
    assert sent["Subject"] == "Re: Erstattung für ausgefallenen Zug"
    assert sent["In-Reply-To"] == "<a1b2c3@mail.example.org>"
    answer.refresh_from_db()
    assert answer.delivery.status == DeliveryStatus.SENT
    assert answer.external_id == f"mid:{sent['Message-ID']}"
