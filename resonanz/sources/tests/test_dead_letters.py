"""Poison messages never block a channel: a mail that cannot be read becomes a dead letter, the IMAP
cursor moves past it, later mails arrive; admins see it (page and API), retry or discard it; repeated
failures raise a notice on the channel; items that fail processing end up there too."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.urls import reverse
from pytest_httpserver import HTTPServer

from resonanz.accounts.services import create_api_token
from resonanz.core.errors import Conflict, NotAllowed
from resonanz.inbox import pipeline
from resonanz.inbox.models import InboundItem, Message
from resonanz.inbox.pipeline import process_pending
from resonanz.sources.connectors import FailedItem
from resonanz.sources.crypto import encrypt_credentials
from resonanz.sources.dead_letters import (
    NOTICE_AFTER_ATTEMPTS,
    discard_dead_letter,
    raw_bytes,
    record_failures,
    retry_dead_letter,
)
from resonanz.sources.email.tests.imap_server import fake_imap
from resonanz.sources.models import Channel, ChannelKind, DeadLetter
from resonanz.sources.polling import poll_channel

pytestmark = pytest.mark.django_db
EMAIL = Path(__file__).resolve().parent.parent / "email" / "fixtures"
GOOD = (EMAIL / "1-question.eml").read_bytes()
UNKNOWN_8BIT = (EMAIL / "real-world" / "unknown-8bit.eml").read_bytes()
# A real failure mode: a date no parser understands. The mail stays unreadable until someone decides.
POISON = b"""Message-ID: <poison-1@example.org>
Date: gestern abend <script>alert(1)</script>
From: Kai <kai@example.org>
Subject: Hallo

Wann kommt der Bus?
"""


def _mail_channel(brand, port):
    return Channel.objects.create(
        brand=brand,
        kind=ChannelKind.EMAIL,
        name="Service",
        config={
            "imap_host": "127.0.0.1",
            "imap_port": port,
            "imap_ssl": "no",
            "imap_user": "service",
            "smtp_host": "127.0.0.1",
            "address": "service@elbtal.example",
        },
        credentials=encrypt_credentials({"imap_password": "pw"}),
    )


def _auth(user):
    _token, plain = create_api_token(user, name="test")
    return {"Authorization": f"Bearer {plain}"}


def test_a_poison_mail_is_set_aside_and_the_mails_after_it_arrive(brand):
    with fake_imap([POISON, GOOD, UNKNOWN_8BIT]) as (_host, port):
        channel = _mail_channel(brand, port)
        outcome = poll_channel(channel)
    process_pending()
    assert (outcome.new, outcome.rejected, outcome.error) == (2, 1, "")
    channel.refresh_from_db()
    assert channel.state["last_uid"] == 3  # the cursor moved past the poison mail
    assert Message.objects.filter(channel=channel).count() == 2
    letter = DeadLetter.objects.get(channel=channel)
    assert (letter.where, letter.stage, letter.status, letter.attempts) == ("UID 1", "parse", "open", 1)
    assert "unreadable Date header" in letter.error
    assert raw_bytes(letter) == POISON
    assert "UID 1: unreadable Date header" in channel.last_error


def test_retry_reads_the_item_again_and_it_enters_the_inbox(brand, brand_admin):
    channel = _mail_channel(brand, 1)
    # Recorded by an older version that raised on charset=unknown-8bit; today's parser reads it.
    (letter,) = record_failures(channel, [FailedItem("UID 7", "LookupError: unknown-8bit", UNKNOWN_8BIT)])
    letter = retry_dead_letter(letter, by=brand_admin)
    assert letter.status == DeadLetter.Status.RESOLVED
    assert letter.external_id == "mid:<20261120091502.4711@example.net>"
    process_pending()
    assert "Grüße aus Königstein" in Message.objects.get(channel=channel).text
    with pytest.raises(Conflict):
        retry_dead_letter(letter, by=brand_admin)


def test_a_failing_retry_counts_and_keeps_the_new_error(brand, brand_admin):
    channel = _mail_channel(brand, 1)
    (letter,) = record_failures(channel, [FailedItem("UID 1", "old error", POISON)])
    letter = retry_dead_letter(letter, by=brand_admin)
    assert (letter.status, letter.attempts) == ("open", 2)
    assert "unreadable Date header" in letter.error
    assert not InboundItem.objects.exists()


def test_discarded_items_stay_discarded_when_seen_again(brand, brand_admin, agent):
    channel = _mail_channel(brand, 1)
    (letter,) = record_failures(channel, [FailedItem("UID 1", "bad", POISON)])
    with pytest.raises(NotAllowed):
        discard_dead_letter(letter, by=agent)
    discard_dead_letter(letter, by=brand_admin)
    assert record_failures(channel, [FailedItem("UID 1", "bad", POISON)]) == []
    letter.refresh_from_db()
    assert (letter.status, letter.attempts) == ("discarded", 1)


def test_repeated_failures_raise_a_notice_on_the_channel(brand, httpserver: HTTPServer, caplog):
    feed = (Path(__file__).resolve().parent.parent / "rss" / "fixtures" / "feed.xml").read_bytes()
    httpserver.expect_request("/feed.xml").respond_with_data(feed, content_type="application/atom+xml")
    channel = Channel.objects.create(
        brand=brand, kind=ChannelKind.RSS, name="Feed", config={"url": httpserver.url_for("/feed.xml")}
    )
    for _ in range(NOTICE_AFTER_ATTEMPTS):
        poll_channel(channel)  # the feed serves the broken entry (empty text) on every poll
    letter = DeadLetter.objects.get(channel=channel)
    assert letter.attempts == NOTICE_AFTER_ATTEMPTS
    channel.refresh_from_db()
    assert "could not be read" in channel.last_error or "konnten nicht gelesen" in channel.last_error
    assert any(record.levelname == "ERROR" for record in caplog.records)


def test_an_item_that_fails_processing_becomes_a_dead_letter_and_retry_requeues_it(
    brand, brand_admin, monkeypatch
):
    with fake_imap([GOOD]) as (_host, port):
        channel = _mail_channel(brand, port)
        poll_channel(channel)

    def broken(texts, **kwargs):
        raise RuntimeError("classifier crashed")

    monkeypatch.setattr(pipeline, "classify_texts", broken)
    for _ in range(pipeline.MAX_ATTEMPTS):
        pipeline.process_pending()
    item = InboundItem.objects.get()
    assert item.state == InboundItem.State.REJECTED
    letter = DeadLetter.objects.get(channel=channel)
    assert (letter.stage, letter.external_id) == ("process", item.external_id)
    assert "classifier crashed" in letter.error
    assert json.loads(letter.raw)["external_id"] == item.external_id
    monkeypatch.undo()
    retry_dead_letter(letter, by=brand_admin)
    item.refresh_from_db()
    assert (item.state, item.attempts) == (InboundItem.State.PENDING, 0)
    process_pending()
    assert Message.objects.filter(channel=channel).count() == 1


def test_api_lists_retries_and_discards_for_admins_only(client, brand, other_brand, brand_admin, agent):
    channel = _mail_channel(brand, 1)
    record_failures(
        channel,
        [FailedItem("UID 1", "bad date", POISON), FailedItem("UID 2", "old error", UNKNOWN_8BIT)],
    )
    base = f"/api/brands/{brand.slug}"
    listed = client.get(f"{base}/channels/{channel.pk}/dead-letters", headers=_auth(brand_admin))
    assert listed.status_code == 200
    items = {item["where"]: item for item in listed.json()["items"]}
    assert set(items) == {"UID 1", "UID 2"} and items["UID 1"]["raw"].startswith("Message-ID: <poison-1")
    assert client.get(f"{base}/channels/{channel.pk}/dead-letters", headers=_auth(agent)).status_code == 403
    other = client.get(
        f"/api/brands/{other_brand.slug}/channels/{channel.pk}/dead-letters", headers=_auth(brand_admin)
    )
    assert other.status_code in (403, 404)
    retried = client.post(f"{base}/dead-letters/{items['UID 2']['id']}/retry", headers=_auth(brand_admin))
    assert retried.status_code == 200 and retried.json()["status"] == "resolved"
    discarded = client.post(f"{base}/dead-letters/{items['UID 1']['id']}/discard", headers=_auth(brand_admin))
    assert discarded.status_code == 200 and discarded.json()["status"] == "discarded"
    again = client.post(f"{base}/dead-letters/{items['UID 1']['id']}/discard", headers=_auth(brand_admin))
    assert again.status_code == 409
    assert (
        client.get(f"{base}/channels/{channel.pk}/dead-letters", headers=_auth(brand_admin)).json()["items"]
        == []
    )
    everything = client.get(
        f"{base}/channels/{channel.pk}/dead-letters?status=all", headers=_auth(brand_admin)
    ).json()["items"]
    assert len(everything) == 2


def test_channel_page_shows_dead_letters_escaped_with_retry_and_discard(client, brand, brand_admin):
    channel = _mail_channel(brand, 1)
    (letter,) = record_failures(channel, [FailedItem("UID 1", "unreadable Date header", POISON)])
    client.force_login(brand_admin)
    listing = client.get(reverse("inbox:channels", args=[brand.slug]))
    assert 'data-testid="dead-letter-count"' in listing.content.decode()
    page = client.get(reverse("inbox:channel_edit", args=[brand.slug, channel.pk])).content.decode()
    assert 'data-testid="dead-letters"' in page and "UID 1" in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "<script>alert(1)" not in page
    url = reverse("inbox:channel_dead_letter", args=[brand.slug, channel.pk, letter.pk])
    retried = client.post(url, {"action": "retry"}, follow=True)
    assert retried.status_code == 200
    letter.refresh_from_db()
    assert letter.attempts == 2 and letter.status == "open"  # still unreadable: shown, counted
    client.post(url, {"action": "discard"})
    letter.refresh_from_db()
    assert letter.status == "discarded"
    assert (
        'data-testid="dead-letters"'
        not in client.get(reverse("inbox:channel_edit", args=[brand.slug, channel.pk])).content.decode()
    )


def test_an_oversized_item_is_kept_in_part_and_not_read_again(brand, brand_admin):
    from resonanz.core.errors import InvalidInput
    from resonanz.sources.dead_letters import MAX_RAW_BYTES

    channel = _mail_channel(brand, 1)
    huge = POISON + b"x" * (MAX_RAW_BYTES + 10)
    (letter,) = record_failures(channel, [FailedItem("UID 9", "message larger than 5242880 bytes", huge)])
    assert len(raw_bytes(letter)) == MAX_RAW_BYTES
    with pytest.raises(InvalidInput):
        retry_dead_letter(letter, by=brand_admin)
