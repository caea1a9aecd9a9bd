"""Going out: signed webhooks with retries, and answers retried with backoff until they fail visibly."""

from __future__ import annotations

import json

import pytest
import time_machine
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from resonanz.inbox.delivery import deliver_reply, retry_due
from resonanz.inbox.models import ConversationEvent, DeliveryStatus, OutgoingReply, WebhookDelivery
from resonanz.inbox.services import create_webhook_endpoint, reply_to_conversation
from resonanz.inbox.tests.factories import channel_factory, conversation_factory
from resonanz.sources.crypto import encrypt_credentials
from resonanz.sources.models import ChannelKind
from resonanz.sources.webhook.signature import verify

pytestmark = pytest.mark.django_db


def test_events_are_delivered_signed(
    brand, brand_admin, httpserver: HTTPServer, django_capture_on_commit_callbacks
):
    received: list[Request] = []

    def handler(request: Request) -> Response:
        received.append(request)
        return Response("ok")

    httpserver.expect_request("/hook", method="POST").respond_with_handler(handler)
    _endpoint, secret = create_webhook_endpoint(brand, url=httpserver.url_for("/hook"), by=brand_admin)
    with django_capture_on_commit_callbacks(execute=True):
        conversation_factory(brand)
    events = [json.loads(r.data)["event"] for r in received]
    assert events == ["conversation.created", "message.received"]
    first = received[0]
    verify(
        secret,
        timestamp=first.headers["X-Resonanz-Timestamp"],
        signature=first.headers["X-Resonanz-Signature"],
        body=first.data,
    )
    assert WebhookDelivery.objects.filter(status=DeliveryStatus.SENT).count() == 2


def test_failed_webhooks_are_retried_with_backoff(
    brand, brand_admin, httpserver: HTTPServer, django_capture_on_commit_callbacks
):
    httpserver.expect_ordered_request("/hook").respond_with_data("down", status=503)
    httpserver.expect_ordered_request("/hook").respond_with_data("ok")
    create_webhook_endpoint(
        brand, url=httpserver.url_for("/hook"), events=["conversation.created"], by=brand_admin
    )
    with django_capture_on_commit_callbacks(execute=True):
        conversation_factory(brand)
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.response_code) == ("queued", 1, 503)
    with time_machine.travel(delivery.next_attempt_at, tick=False):
        retry_due()
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("sent", 2)


def test_answer_on_a_broken_channel_is_retried_then_shown_as_failed(
    brand, agent, django_capture_on_commit_callbacks
):
    channel = channel_factory(
        brand,
        kind=ChannelKind.MASTODON,
        name="Masto",
        config={"instance_url": "http://127.0.0.1:9"},
        credentials=encrypt_credentials({"access_token": "t"}),
    )
    conversation = conversation_factory(brand, channel=channel)
    with django_capture_on_commit_callbacks(execute=True):
        reply_to_conversation(conversation, text="Danke!", by=agent)
    reply = OutgoingReply.objects.get()
    assert (reply.status, reply.attempts) == (DeliveryStatus.QUEUED, 1)
    assert reply.last_error
    for _ in range(10):
        if reply.status != DeliveryStatus.QUEUED:
            break
        with time_machine.travel(reply.next_attempt_at, tick=False):
            deliver_reply(reply.pk)
        reply.refresh_from_db()
    assert reply.status == DeliveryStatus.FAILED
    assert conversation.events.filter(kind=ConversationEvent.Kind.DELIVERY_FAILED).exists()
