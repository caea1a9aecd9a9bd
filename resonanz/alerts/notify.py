"""Telling people about alerts: e-mail to managers and escalation contacts, signed webhooks.

Webhooks reuse the inbox's outgoing machinery: a ``WebhookDelivery`` row per subscribed endpoint,
delivered signed and retried by the inbox's ``deliver_webhook_task`` (same headers, same retries).
"""

from __future__ import annotations

from functools import partial
from typing import Any

from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _

from resonanz.accounts.models import Brand, Membership, Role, User
from resonanz.alerts.models import Alert
from resonanz.core.links import absolute
from resonanz.inbox.models import WebhookDelivery, WebhookEndpoint


def managers(brand: Brand) -> list[User]:
    ids = Membership.objects.filter(brand=brand, role__in=[Role.MANAGER, Role.ADMIN]).values("user")
    return list(User.objects.filter(pk__in=ids, is_active=True).exclude(email=""))


def examples(alert: Alert) -> list[dict[str, Any]]:
    """The example posts of the surge as short excerpts (the brand's own data, to its own endpoints)."""
    from resonanz.alerts.selectors import example_messages

    return [
        {
            "id": m.pk,
            "channel": m.channel.name,
            "created_at": m.created_at.isoformat(),
            "excerpt": m.text[:280],
        }
        for m in example_messages(alert)
    ]


def alert_data(alert: Alert) -> dict[str, Any]:
    return {
        "id": alert.pk,
        "brand": alert.brand.slug,
        "status": alert.status,
        "window_start": alert.window_start.isoformat(),
        "window_end": alert.window_end.isoformat(),
        "observed": alert.observed,
        "expected": round(alert.expected, 2),
        "p_value": alert.p_value,
        "driving_topics": alert.driving_topics,
        "example_message_ids": alert.example_message_ids,
        "examples": examples(alert),
        "crisis": hasattr(alert, "crisis"),
        "url": absolute(reverse("alerts:detail", args=[alert.brand.slug, alert.pk])),
    }


def emit_webhook(alert: Alert, event: str) -> list[int]:
    """Queue ``alert.opened`` / ``alert.resolved`` for the brand's endpoints; delivered after commit."""
    endpoints = [
        e
        for e in WebhookEndpoint.objects.filter(brand=alert.brand, enabled=True)
        if not e.events or event in e.events
    ]
    rows = WebhookDelivery.objects.bulk_create(
        WebhookDelivery(endpoint=e, event=event, payload={"event": event, "alert": alert_data(alert)})
        for e in endpoints
    )
    ids = [row.pk for row in rows]
    transaction.on_commit(partial(_enqueue, ids))
    return ids


def _enqueue(ids: list[int]) -> None:
    from resonanz.inbox.tasks import deliver_webhook_task

    for pk in ids:
        deliver_webhook_task.enqueue(pk)


def mail_alert(alert_id: int, kind: str, recipient_ids: list[int] | None = None) -> int:
    """E-mail the brand's managers (or the given users) about an alert; returns how many were mailed."""
    alert = Alert.objects.select_related("brand").get(pk=alert_id)
    people = (
        managers(alert.brand)
        if recipient_ids is None
        else list(User.objects.filter(pk__in=recipient_ids, is_active=True).exclude(email=""))
    )
    if not people:
        return 0
    subject = {
        "opened": _("[%(brand)s] Crisis early warning: negative posts are surging"),
        "crisis": _("[%(brand)s] Crisis mode started — you are on the escalation list"),
        "resolved": _("[%(brand)s] Alert resolved, the post-mortem is ready"),
    }[kind] % {"brand": alert.brand.name}
    url = absolute(reverse("alerts:detail", args=[alert.brand.slug, alert.pk]))
    context = {"alert": alert, "kind": kind, "url": url, "examples": examples(alert)}
    body = render_to_string("alerts/alert_mail.txt", context)
    send_mail(subject, body, None, [p.email for p in people])
    return len(people)


def queue_mail(alert: Alert, kind: str, recipient_ids: list[int] | None = None) -> None:
    from resonanz.alerts.tasks import mail_alert_task

    transaction.on_commit(partial(mail_alert_task.enqueue, alert.pk, kind, recipient_ids))
