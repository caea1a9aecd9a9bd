"""Mastodon against a local HTTP server serving recorded API JSON: mentions, hashtag, since_id,
rate-limit headers, replies (and their failure)."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from resonanz.inbox.delivery import deliver_reply
from resonanz.inbox.models import Conversation, DeliveryStatus, Message, OutgoingReply
from resonanz.inbox.pipeline import process_pending
from resonanz.inbox.services import reply_to_conversation
from resonanz.sources.crypto import encrypt_credentials
from resonanz.sources.models import Channel, ChannelKind
from resonanz.sources.polling import poll_channel

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
pytestmark = pytest.mark.django_db


def _json(name):
    return json.loads((FIXTURES / name).read_text())


@pytest.fixture
def channel(brand, httpserver: HTTPServer):
    return Channel.objects.create(
        brand=brand,
        kind=ChannelKind.MASTODON,
        name="Mastodon",
        config={
            "instance_url": httpserver.url_for("/").rstrip("/"),
            "account": "elbtal",
            "hashtag": "ElbtalBahn",
        },
        credentials=encrypt_credentials({"access_token": "token-123"}),
    )


def _serve(httpserver, *, remaining="299"):
    limits = {
        "X-RateLimit-Limit": "300",
        "X-RateLimit-Remaining": remaining,
        "X-RateLimit-Reset": time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime(time.time() + 120)),
    }
    httpserver.expect_request(
        "/api/v1/notifications", headers={"Authorization": "Bearer token-123"}
    ).respond_with_json(_json("notifications.json"), headers=limits)
    httpserver.expect_request("/api/v1/timelines/tag/ElbtalBahn").respond_with_json(
        _json("hashtag.json"), headers=limits
    )


def test_mentions_and_hashtag_are_ingested_and_threaded(channel, httpserver):
    _serve(httpserver)
    outcome = poll_channel(channel)
    process_pending()
    assert outcome.new == 3  # two mentions (not the favourite) and one hashtag post
    thread = Conversation.objects.get(thread_key="status:111")
    assert thread.message_count == 2
    assert (
        Message.objects.get(external_id="status:111").text
        == "@elbtal Der RE 50 steht seit 20 Minuten in Pirna!"
    )
    channel.refresh_from_db()
    assert channel.state == {"mentions_since": "902", "hashtag_since": "220"}


def test_polling_resumes_from_the_last_seen_ids(channel, httpserver):
    channel.state = {"mentions_since": "902", "hashtag_since": "220"}
    channel.save()
    seen: list[dict] = []

    def empty(request: Request) -> Response:
        seen.append(dict(request.args))
        return Response("[]", content_type="application/json")

    httpserver.expect_request("/api/v1/notifications").respond_with_handler(empty)
    httpserver.expect_request("/api/v1/timelines/tag/ElbtalBahn").respond_with_handler(empty)
    assert poll_channel(channel).new == 0
    assert seen[0]["min_id"] == "902" and seen[1]["min_id"] == "220"


def test_repolling_the_same_answers_adds_nothing(channel, httpserver):
    _serve(httpserver)
    poll_channel(channel)
    channel.state = {}
    assert poll_channel(channel).duplicates == 3


def test_low_rate_limit_postpones_the_next_poll(channel, httpserver):
    _serve(httpserver, remaining="2")
    poll_channel(channel)
    channel.refresh_from_db()
    assert channel.next_poll_at is not None and channel.next_poll_at.timestamp() > time.time() + 60


def test_answer_is_posted_in_reply_to_the_customer(
    channel, httpserver, agent, django_capture_on_commit_callbacks
):
    _serve(httpserver)
    poll_channel(channel)
    process_pending()
    conversation = Conversation.objects.get(thread_key="status:111")
    posted: list[dict] = []

    def post(request: Request) -> Response:
        posted.append(request.form.to_dict() or json.loads(request.data))
        return Response(json.dumps(_json("status_post.json")), content_type="application/json")

    httpserver.expect_request("/api/v1/statuses", method="POST").respond_with_handler(post)
    with django_capture_on_commit_callbacks(execute=True):
        answer = reply_to_conversation(conversation, text="Wir prüfen das.", by=agent)
    answer.refresh_from_db()
    assert posted[0]["in_reply_to_id"] == "112"
    assert posted[0]["status"] == "@kunde@example.social Wir prüfen das."
    assert answer.external_id == "status:300"
    assert answer.delivery.status == DeliveryStatus.SENT


def test_refused_answer_fails_permanently(channel, httpserver, agent, django_capture_on_commit_callbacks):
    _serve(httpserver)
    poll_channel(channel)
    process_pending()
    httpserver.expect_request("/api/v1/statuses", method="POST").respond_with_json(
        {"error": "Record not found"}, status=404
    )
    with django_capture_on_commit_callbacks(execute=True):
        reply_to_conversation(Conversation.objects.get(thread_key="status:111"), text="Hallo", by=agent)
    reply = OutgoingReply.objects.get()
    assert reply.status == DeliveryStatus.FAILED and "refused" in reply.last_error
    deliver_reply(reply.pk)  # idempotent: a failed answer is not sent again by itself
    assert OutgoingReply.objects.get().attempts == 1
