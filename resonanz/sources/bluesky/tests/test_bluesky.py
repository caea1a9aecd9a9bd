"""Bluesky against a local XRPC server serving recorded JSON: login, mentions, search, resume,
and a threaded reply via com.atproto.repo.createRecord."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from resonanz.inbox.models import Conversation, DeliveryStatus, Message
from resonanz.inbox.pipeline import process_pending
from resonanz.inbox.services import reply_to_conversation
from resonanz.sources.crypto import encrypt_credentials
from resonanz.sources.models import Channel, ChannelKind
from resonanz.sources.polling import poll_channel

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
pytestmark = pytest.mark.django_db
ROOT = "at://did:plc:kunde/app.bsky.feed.post/3lroot"


def _fixture(name):
    return json.loads((FIXTURES / f"{name}.json").read_text())


@pytest.fixture
def channel(brand, httpserver: HTTPServer):
    for method in (
        "com.atproto.server.createSession",
        "app.bsky.actor.getProfile",
        "app.bsky.notification.listNotifications",
        "app.bsky.feed.searchPosts",
    ):
        httpserver.expect_request(f"/xrpc/{method}").respond_with_json(_fixture(method.rsplit(".", 1)[1]))
    return Channel.objects.create(
        brand=brand,
        kind=ChannelKind.BLUESKY,
        name="Bluesky",
        config={
            "service_url": httpserver.url_for("/").rstrip("/"),
            "handle": "elbtal.bsky.social",
            "search": "Elbtal Bahn",
        },
        credentials=encrypt_credentials({"app_password": "abcd-efgh"}),
    )


def test_mentions_and_search_are_ingested_once(channel):
    first = poll_channel(channel)
    process_pending()
    assert (first.new, first.error) == (3, "")  # reply + mention (not the like) + one search hit
    assert Conversation.objects.get(thread_key=ROOT).message_count == 2
    assert Message.objects.get(external_id=ROOT).author_handle == "kunde.bsky.social"
    channel.refresh_from_db()
    assert channel.state == {
        "notifications_seen": "2026-11-20T10:05:01.000Z",
        "search_seen": "2026-11-20T11:00:01.000Z",
    }
    second = poll_channel(channel)
    assert (second.new, second.duplicates) == (0, 0)  # nothing newer than the cursor


def test_reply_is_created_with_root_and_parent(
    channel, httpserver, agent, django_capture_on_commit_callbacks
):
    poll_channel(channel)
    process_pending()
    created: list[dict] = []

    def create(request: Request) -> Response:
        created.append(json.loads(request.data))
        return Response(json.dumps(_fixture("createRecord")), content_type="application/json")

    httpserver.expect_request("/xrpc/app.bsky.feed.getPosts").respond_with_json(_fixture("getPosts"))
    httpserver.expect_request("/xrpc/com.atproto.repo.createRecord", method="POST").respond_with_handler(
        create
    )
    with django_capture_on_commit_callbacks(execute=True):
        answer = reply_to_conversation(
            Conversation.objects.get(thread_key=ROOT), text="Ein Signalschaden.", by=agent
        )
    answer.refresh_from_db()
    record = created[0]["record"]
    assert record["text"] == "Ein Signalschaden."
    assert record["reply"]["parent"]["uri"] == "at://did:plc:kunde/app.bsky.feed.post/3lreply"
    assert record["reply"]["root"]["uri"] == ROOT
    assert answer.external_id == "at://did:plc:brand/app.bsky.feed.post/3lanswer"
    assert answer.delivery.status == DeliveryStatus.SENT


def test_wrong_password_is_shown_on_the_channel(brand, httpserver):
    httpserver.expect_request("/xrpc/com.atproto.server.createSession").respond_with_json(
        {"error": "AuthenticationRequired", "message": "Invalid identifier or password"}, status=401
    )
    channel = Channel.objects.create(
        brand=brand,
        kind=ChannelKind.BLUESKY,
        name="B",
        config={"service_url": httpserver.url_for("/").rstrip("/"), "handle": "elbtal.bsky.social"},
        credentials=encrypt_credentials({"app_password": "wrong"}),
    )
    outcome = poll_channel(channel)
    assert "Invalid identifier or password" in outcome.error
