"""Outgoing webhooks: events queued in the same transaction as the change, delivered signed, retried.

Receivers verify ``X-Resonanz-Signature`` (HMAC-SHA256 over ``timestamp.body``) exactly like our own
inbound webhook channel does, and dedupe on ``X-Resonanz-Delivery`` (stable across retries).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from functools import partial
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from resonanz.core import outbound
from resonanz.core.links import absolute
from resonanz.inbox.backoff import MAX_ATTEMPTS, claim_attempt, next_attempt_at, schedule_retry
from resonanz.inbox.models import Conversation, DeliveryStatus, Message, WebhookDelivery, WebhookEndpoint
from resonanz.sources.crypto import decrypt_credentials
from resonanz.sources.webhook.signature import signed_headers

if TYPE_CHECKING:
    from collections.abc import Iterable

EVENTS = (
    "conversation.created",
    "message.received",
    "conversation.assigned",
    "conversation.status_changed",
    "conversation.answered",
    "conversation.reopened",
    "reply.failed",
)
TIMEOUT_SECONDS = 10
MAX_RESPONSE_BYTES = 64 * 1024  # receivers answer briefly; only the status code matters


def conversation_data(conversation: Conversation) -> dict[str, Any]:
    return {
        "id": conversation.pk,
        "brand": conversation.brand_id,
        "channel": conversation.channel_id,
        "status": conversation.status,
        "priority": conversation.priority,
        "subject": conversation.subject,
        "labels": conversation.labels,
        "assignee": conversation.assignee_id,
        "needs_moderation": conversation.needs_moderation,
        "due_at": conversation.due_at.isoformat() if conversation.due_at else None,
        "url": absolute(reverse("inbox:conversation", args=[conversation.brand.slug, conversation.pk])),
    }


def message_data(message: Message) -> dict[str, Any]:
    return {
        "id": message.pk,
        "direction": message.direction,
        "author": message.author_handle,
        "text": message.text,
        "external_id": message.external_id,
        "created_at": message.created_at.isoformat(),
    }


def has_endpoints(brand_ids: set[int]) -> bool:
    return bool(brand_ids) and WebhookEndpoint.objects.filter(brand_id__in=brand_ids, enabled=True).exists()


def queue_events(events: Sequence[tuple[Conversation, str, Message | None]]) -> None:
    """Create one delivery per subscribed endpoint; the tasks start after the transaction commits."""
    if not events:
        return
    brand_ids = {conversation.brand_id for conversation, _, _ in events}
    endpoints: dict[int, list[WebhookEndpoint]] = {}
    for endpoint in WebhookEndpoint.objects.filter(brand_id__in=brand_ids, enabled=True):
        endpoints.setdefault(endpoint.brand_id, []).append(endpoint)
    if not endpoints:
        return
    rows = [
        WebhookDelivery(endpoint=endpoint, event=event, payload=_payload(event, conversation, message))
        for conversation, event, message in events
        for endpoint in endpoints.get(conversation.brand_id, [])
        if not endpoint.events or event in endpoint.events
    ]
    created = WebhookDelivery.objects.bulk_create(rows)
    transaction.on_commit(partial(_enqueue, [row.pk for row in created]))


def emit(conversation: Conversation, event: str, message: Message | None = None) -> None:
    queue_events([(conversation, event, message)])


def _payload(event: str, conversation: Conversation, message: Message | None) -> dict[str, Any]:
    data: dict[str, Any] = {"event": event, "conversation": conversation_data(conversation)}
    if message is not None:
        data["message"] = message_data(message)
    return data


def _enqueue(ids: Iterable[int]) -> None:
    from resonanz.inbox.tasks import deliver_webhook_task

    for pk in ids:
        deliver_webhook_task.enqueue(pk)


def deliver_webhook(delivery_id: int) -> WebhookDelivery | None:
    """One attempt; idempotent (a sent delivery is not sent again). Returns the updated row."""
    if not claim_attempt(WebhookDelivery, delivery_id):
        return WebhookDelivery.objects.filter(pk=delivery_id).first()
    delivery = WebhookDelivery.objects.select_related("endpoint").get(pk=delivery_id)
    body = json.dumps(
        delivery.payload | {"id": str(delivery.event_id), "created_at": delivery.created_at.isoformat()}
    ).encode()
    secret = decrypt_credentials(delivery.endpoint.secret).get("secret", "")
    headers = signed_headers(secret, body) | {
        "Content-Type": "application/json",
        "X-Resonanz-Event": delivery.event,
        "X-Resonanz-Delivery": str(delivery.event_id),
        "User-Agent": "Resonanz-Webhooks/1",
    }
    try:
        # Not following redirects: a receiver that moved must be updated by the admin, and a redirect
        # would otherwise turn the signed POST into a request somewhere else.
        response = outbound.request(
            "POST",
            delivery.endpoint.url,
            headers=headers,
            content=body,
            timeout=TIMEOUT_SECONDS,
            max_bytes=MAX_RESPONSE_BYTES,
            follow_redirects=False,
        )
    except outbound.OutboundRefused as exc:  # the address will not become allowed by retrying
        delivery.response_code, delivery.last_error = None, str(exc)[:1000]
        delivery.status, delivery.next_attempt_at = DeliveryStatus.FAILED, None
    except outbound.OutboundError as exc:
        delivery.response_code, delivery.last_error = None, str(exc)[:1000]
        _plan_retry(delivery)
    else:
        delivery.response_code = response.status
        if 200 <= response.status < 300:
            delivery.status, delivery.last_error, delivery.next_attempt_at = DeliveryStatus.SENT, "", None
        else:
            delivery.last_error = f"HTTP {response.status}: {response.body[:200].decode('utf-8', 'replace')}"
            _plan_retry(delivery)
    delivery.save()
    if delivery.status == DeliveryStatus.QUEUED and delivery.next_attempt_at:
        from resonanz.inbox.tasks import deliver_webhook_task

        schedule_retry(deliver_webhook_task, delivery.next_attempt_at, delivery.pk)
    return delivery


def _plan_retry(delivery: WebhookDelivery) -> None:
    if delivery.attempts >= MAX_ATTEMPTS:
        delivery.status, delivery.next_attempt_at = DeliveryStatus.FAILED, None
        return
    delivery.next_attempt_at = next_attempt_at(delivery.attempts)


def due_webhook_ids() -> list[int]:
    return list(
        WebhookDelivery.objects.filter(
            status=DeliveryStatus.QUEUED, next_attempt_at__lte=timezone.now()
        ).values_list("pk", flat=True)[:500]
    )
