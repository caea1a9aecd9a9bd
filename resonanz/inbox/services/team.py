"""Manager tools: saved replies with placeholders and response-time targets per priority."""

from __future__ import annotations

import string
from datetime import timedelta

from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from resonanz.accounts.models import Brand
from resonanz.accounts.permissions import AnyUser
from resonanz.core.errors import InvalidInput, NotFound
from resonanz.inbox.models import ACTIVE_STATUSES, Conversation, Priority, ResponseTarget, SavedReply
from resonanz.inbox.permissions import check_manager
from resonanz.inbox.routing import DEFAULT_TARGET_MINUTES

PLACEHOLDERS = ("name", "brand", "agent")
MAX_TARGET_MINUTES = 60 * 24 * 30


def check_placeholders(body: str) -> None:
    """Only ``{name}``, ``{brand}``, ``{agent}``; anything else is named in the error."""
    try:
        fields = [field for _, field, spec, conv in string.Formatter().parse(body) if field is not None]
    except ValueError as exc:
        raise InvalidInput({"body": _("Unbalanced braces: %(error)s") % {"error": exc}}) from exc
    unknown = sorted({f for f in fields if f not in PLACEHOLDERS})
    if unknown:
        raise InvalidInput(
            {
                "body": _("Unknown placeholder(s): %(names)s. Allowed: %(allowed)s.")
                % {"names": ", ".join(f"{{{f}}}" for f in unknown), "allowed": "{name}, {brand}, {agent}"}
            }
        )


def render_saved_reply(saved: SavedReply, *, conversation: Conversation, agent: AnyUser) -> str:
    values = {
        "name": conversation.customer_name or conversation.customer_handle or _("there"),
        "brand": conversation.brand.name,
        "agent": getattr(agent, "public_name", "") or "",
    }
    return saved.body.format_map(values)


@transaction.atomic
def save_saved_reply(
    brand: Brand, *, title: str, body: str, by: AnyUser, saved: SavedReply | None = None
) -> SavedReply:
    check_manager(by, brand)
    title, body = (title or "").strip(), (body or "").strip()
    if not title or not body:
        raise InvalidInput({"title" if not title else "body": _("Please fill in title and text.")})
    check_placeholders(body)
    if saved is None:
        return SavedReply.objects.create(brand=brand, title=title[:120], body=body)
    if saved.brand_id != brand.pk:
        raise NotFound("unknown saved reply")
    saved.title, saved.body = title[:120], body
    saved.save()
    return saved


def delete_saved_reply(saved: SavedReply, *, by: AnyUser) -> None:
    check_manager(by, saved.brand)
    saved.delete()


@transaction.atomic
def set_response_target(brand: Brand, *, priority: int, minutes: int | None, by: AnyUser) -> None:
    """Set (or with ``minutes`` None remove: the default applies) the target; due times of open
    conversations follow."""
    check_manager(by, brand)
    if priority not in Priority.values:
        raise InvalidInput({"priority": _("Unknown priority.")})
    if minutes is None:
        ResponseTarget.objects.filter(brand=brand, priority=priority).delete()
        minutes = DEFAULT_TARGET_MINUTES[Priority(priority)]
    elif not 1 <= minutes <= MAX_TARGET_MINUTES:
        raise InvalidInput({"minutes": _("Between 1 minute and 30 days, please.")})
    else:
        ResponseTarget.objects.update_or_create(brand=brand, priority=priority, defaults={"minutes": minutes})
    Conversation.objects.filter(
        brand=brand, priority=priority, status__in=ACTIVE_STATUSES, first_customer_at__isnull=False
    ).update(due_at=F("first_customer_at") + timedelta(minutes=minutes))
