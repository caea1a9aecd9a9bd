"""RSS/Atom against a local HTTP server serving a recorded feed: ingest, re-poll, 304, bad feeds."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from resonanz.inbox.models import InboundItem, Message
from resonanz.inbox.pipeline import process_pending
from resonanz.sources.models import Channel, ChannelKind
from resonanz.sources.polling import poll_channel

FEED = (Path(__file__).resolve().parent.parent / "fixtures" / "feed.xml").read_bytes()
pytestmark = pytest.mark.django_db


@pytest.fixture
def channel(brand, httpserver: HTTPServer):
    return Channel.objects.create(
        brand=brand, kind=ChannelKind.RSS, name="Bewertungen", config={"url": httpserver.url_for("/feed.xml")}
    )


def test_feed_entries_become_messages_and_repolling_adds_nothing(channel, httpserver: HTTPServer):
    httpserver.expect_request("/feed.xml").respond_with_data(
        FEED, headers={"ETag": '"v1"'}, content_type="application/atom+xml"
    )
    first = poll_channel(channel)
    process_pending()
    again = poll_channel(channel)
    process_pending()
    assert (first.new, first.rejected, again.new, again.duplicates) == (2, 1, 0, 2)
    message = Message.objects.get(url="https://bewertungen.example/e/1")
    assert message.text == "Der RE 50 kam 45 Minuten zu spät.\n\nWarum informiert niemand?"
    assert message.author_handle == "Sabine"
    channel.refresh_from_db()
    assert channel.state["etag"] == '"v1"'
    assert "entry 3: empty text" in channel.last_error


def test_conditional_get_uses_the_etag(channel, httpserver: HTTPServer):
    channel.state = {"etag": '"v1"'}
    channel.save()
    httpserver.expect_request("/feed.xml", headers={"If-None-Match": '"v1"'}).respond_with_data(
        "", status=304
    )
    outcome = poll_channel(channel)
    assert (outcome.new, outcome.error) == (0, "")


@pytest.mark.parametrize(
    ("body", "status", "expected"),
    [(b"<rss><channel><item><title>kaputt", 200, "malformed feed"), (b"nope", 500, "HTTP Error 500")],
)
def test_bad_feeds_leave_a_clear_error_and_store_nothing(
    channel, httpserver: HTTPServer, body, status, expected
):
    httpserver.expect_request("/feed.xml").respond_with_data(body, status=status)
    outcome = poll_channel(channel)
    assert expected in outcome.error
    channel.refresh_from_db()
    assert expected in channel.last_error
    assert not InboundItem.objects.exists()


def test_feeds_are_polled_gently_and_the_poll_command_polls_now(channel, httpserver: HTTPServer):
    from datetime import timedelta

    from django.utils import timezone

    from resonanz.sources.polling import poll_channels

    httpserver.expect_request("/feed.xml").respond_with_data(FEED, content_type="application/atom+xml")
    assert [o.new for o in poll_channels()] == [2]
    channel.refresh_from_db()
    assert channel.next_poll_at >= timezone.now() + timedelta(minutes=14)  # RSS: every 15 minutes
    assert poll_channels() == []  # not due yet
    assert [o.duplicates for o in poll_channels(force=True)] == [2]  # `resonanz poll` asks for now


def test_conditional_get_uses_last_modified_too(channel, httpserver: HTTPServer):
    stamp = "Tue, 20 Oct 2026 10:00:00 GMT"
    httpserver.expect_ordered_request("/feed.xml").respond_with_data(
        FEED, content_type="application/atom+xml", headers={"Last-Modified": stamp}
    )
    httpserver.expect_ordered_request("/feed.xml", headers={"If-Modified-Since": stamp}).respond_with_data(
        "", status=304
    )
    assert not poll_channel(channel).error
    channel.refresh_from_db()
    assert channel.state["modified"] == stamp
    second = poll_channel(channel)
    assert not second.error and second.new == 0
    httpserver.check_assertions()


def test_a_feed_on_an_internal_address_is_refused_with_a_clear_error(
    channel, httpserver: HTTPServer, settings
):
    settings.RESONANZ = {
        **settings.RESONANZ,
        "OUTBOUND_ALLOW_PRIVATE": False,
        "OUTBOUND_ALLOWED_NETWORKS": [],
    }
    httpserver.expect_request("/feed.xml").respond_with_data(FEED, content_type="application/atom+xml")
    outcome = poll_channel(channel)
    assert "refused to contact" in outcome.error and "loopback" in outcome.error
    assert httpserver.log == []


def _serve(httpserver: HTTPServer, name: str) -> None:
    body = (Path(__file__).resolve().parent.parent / "fixtures" / name).read_bytes()
    httpserver.expect_request("/feed.xml").respond_with_data(body, content_type="application/rss+xml")


def test_a_stray_ampersand_does_not_stop_the_feed(channel, httpserver: HTTPServer):
    _serve(httpserver, "stray-ampersand.xml")  # a WordPress feed with one unescaped "&" (not well-formed)
    outcome = poll_channel(channel)
    assert (outcome.new, outcome.rejected, outcome.error) == (2, 0, "")
    channel.refresh_from_db()
    assert "malformed feed, 2 entries recovered" in channel.last_error and "line 6" in channel.last_error


def test_items_without_guid_or_link_get_a_stable_synthetic_id(channel, httpserver: HTTPServer):
    _serve(httpserver, "no-guid-no-link.xml")
    first = poll_channel(channel)
    again = poll_channel(channel)
    assert (first.new, first.rejected, again.new, again.duplicates) == (2, 0, 0, 2)
    ids = set(InboundItem.objects.values_list("external_id", flat=True))
    assert len(ids) == 2 and all(key.startswith("rss:") for key in ids)


def test_html_in_entries_drops_style_and_script_and_collapses_whitespace():
    from resonanz.sources.htmltext import html_to_text

    html = (
        "<html><head><title>T</title><style>p {color: red}</style></head><body>"
        "<p>Erste   Zeile\n   weiter</p>\n\n\n<p>&nbsp;</p><p>Zweite<br>Zeile</p>"
        "<script>var x = 1;</script><ul><li>eins</li><li>zwei</li></ul></body></html>"
    )
    assert html_to_text(html) == "Erste Zeile weiter\n\nZweite\nZeile\n\neins\n\nzwei"
