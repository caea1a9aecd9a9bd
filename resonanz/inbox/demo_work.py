"""What the demo team has already done in the demo inbox: assignments, answers, notes, closed work.

Every step goes through the inbox services (so events, webhooks and KPIs see it like real work) and is
then moved back in time to when it would have happened. A step only runs on a conversation nobody has
touched yet, so loading the demo again changes nothing.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from django.db.models import Max
from django.utils import timezone

from resonanz.accounts.models import Brand, User
from resonanz.inbox import services
from resonanz.inbox.backoff import MAX_ATTEMPTS
from resonanz.inbox.models import (
    Conversation,
    ConversationEvent,
    DeliveryStatus,
    Message,
    OutgoingReply,
    SavedReply,
    Status,
)
from resonanz.sources.models import Channel, ChannelKind

if TYPE_CHECKING:
    from resonanz.inbox.demo import Team

DATA = Path(__file__).resolve().parent / "demo_data"
CLOSE_AFTER = timedelta(days=3)  # forum conversations quiet for longer were closed by the team
FAILED_DELIVERY = (
    "ConnectionError: HTTPSConnectionPool(host='dresden.network', port=443): Max retries exceeded "
    "(Failed to establish a new connection: [Errno 111] Connection refused)"
)


@dataclass(frozen=True)
class Step:
    channel: str  # key of the demo channel
    first_text: str  # a phrase of the conversation's first customer message
    who: str = "agent"  # "agent" or "manager"
    assign: bool = False
    reply: str = ""  # a text, or "saved:<title>"
    after_minutes: int = 30  # when the answer was written, after the customer's message
    status: str = ""
    note: str = ""
    failed_delivery: bool = False


def work_demo_inbox(
    brand: Brand, channels: dict[str, Channel], team: Team, *, now: datetime, counts: Counter[str]
) -> None:
    plan = DATA / brand.slug / "worked.json"
    steps = [Step(**step) for step in json.loads(plan.read_text(encoding="utf-8"))] if plan.is_file() else []
    for step in steps:
        channel = channels.get(step.channel)
        conversation = _find(channel, step.first_text) if channel else None
        if conversation is not None and _untouched(conversation):
            _apply(step, conversation, team, now=now)
            counts["worked"] += 1
    _close_quiet_community(brand, team, now=now, counts=counts)


def _find(channel: Channel, first_text: str) -> Conversation | None:
    message = (
        Message.objects.filter(channel=channel, direction="in", text__contains=first_text)
        .select_related("conversation__brand", "conversation__channel")
        .first()
    )
    return message.conversation if message else None


def _untouched(conversation: Conversation) -> bool:
    return not conversation.events.filter(actor__isnull=False).exists()


def _apply(step: Step, conversation: Conversation, team: Team, *, now: datetime) -> None:
    user: User = team.manager if step.who == "manager" else team.agent
    start = conversation.first_customer_at or conversation.created_at
    when = min(start + timedelta(minutes=step.after_minutes), now - timedelta(minutes=1))
    began = timezone.now()
    if step.assign:
        services.assign_conversation(conversation, to=user, by=user)
    if step.reply:
        message = services.reply_to_conversation(
            conversation, text=_text(step.reply, conversation, user), by=user
        )
        Message.objects.filter(pk=message.pk).update(created_at=when)
        conversation.refresh_from_db()
        last = conversation.messages.aggregate(last=Max("created_at"))["last"]
        Conversation.objects.filter(pk=conversation.pk).update(first_response_at=when, last_activity_at=last)
        if step.failed_delivery:
            _failed_delivery(message, conversation, when)
    if step.note:
        services.add_note(conversation, text=step.note, by=user)
    if step.status:
        services.set_status(conversation, status=step.status, by=user)
    _backdate(conversation, began, when)


def _backdate(conversation: Conversation, began: datetime, when: datetime) -> None:
    """The events a step wrote now get the time the step happened in the demo's story."""
    ConversationEvent.objects.filter(conversation=conversation, created_at__gte=began).update(created_at=when)


def _text(reply: str, conversation: Conversation, user: User) -> str:
    if not reply.startswith("saved:"):
        return reply
    saved = SavedReply.objects.get(brand=conversation.brand, title=reply.removeprefix("saved:"))
    return services.render_saved_reply(saved, conversation=conversation, agent=user)


def _failed_delivery(message: Message, conversation: Conversation, when: datetime) -> None:
    """What a channel that was down for hours looks like: every attempt failed, the retry button shows."""
    OutgoingReply.objects.update_or_create(
        message=message,
        defaults={"status": DeliveryStatus.FAILED, "attempts": MAX_ATTEMPTS, "last_error": FAILED_DELIVERY},
    )
    ConversationEvent.objects.create(
        conversation=conversation,
        kind=ConversationEvent.Kind.DELIVERY_FAILED,
        data={"message": message.pk, "error": FAILED_DELIVERY[:300]},
        created_at=when + timedelta(hours=6),
    )


def _close_quiet_community(brand: Brand, team: Team, *, now: datetime, counts: Counter[str]) -> None:
    """Forum conversations nobody wrote in for days were closed by the team a day after the last post."""
    quiet = Conversation.objects.filter(
        brand=brand,
        channel__kind=ChannelKind.COMMUNITY,
        status__in=[Status.OPEN, Status.ANSWERED],  # never-answered ones stay as backlog
        last_activity_at__lt=now - CLOSE_AFTER,
    ).select_related("brand", "channel")
    for conversation in quiet:
        if not _untouched(conversation):
            continue
        began = timezone.now()
        services.set_status(conversation, status=Status.CLOSED, by=team.agent)
        when = min(conversation.last_activity_at + timedelta(days=1), now - timedelta(minutes=1))
        ConversationEvent.objects.filter(conversation=conversation, created_at__gte=began).update(
            created_at=when
        )
        counts["closed"] += 1
