"""An agent answers: the message is stored at once and goes back through the channel where it can.

Community answers are written synchronously as the agent's forum reply (and the post's id recorded on
the message in the same transaction); network answers are queued and sent by a task with retries;
channels without a way back (feeds, imports) or switched off record the answer and mark the conversation
as answered (the agent answers elsewhere).
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from resonanz.accounts.models import User
from resonanz.accounts.permissions import AnyUser
from resonanz.core.errors import InvalidInput
from resonanz.inbox import webhooks
from resonanz.inbox.models import (
    ACTIVE_STATUSES,
    Conversation,
    ConversationEvent,
    DeliveryStatus,
    Direction,
    Message,
    OutgoingReply,
    Status,
)
from resonanz.inbox.permissions import check_agent
from resonanz.sources.connectors import connector_for
from resonanz.sources.models import Channel, ChannelKind

MAX_REPLY_CHARS = 10_000


def _clean(text: str) -> str:
    text = (text or "").strip()
    if not text:
        raise InvalidInput({"text": _("Please write an answer.")})
    if len(text) > MAX_REPLY_CHARS:
        raise InvalidInput(
            {"text": _("The answer is too long (at most %(n)s characters).") % {"n": MAX_REPLY_CHARS}}
        )
    return text


def can_send(channel: Channel) -> bool:
    """Answers go out through the channel: it must support replies and be switched on."""
    return connector_for(channel).can_reply and channel.enabled


@transaction.atomic
def reply_to_conversation(conversation: Conversation, *, text: str, by: AnyUser) -> Message:
    agent = check_agent(by, conversation.brand)
    text = _clean(text)
    conversation = (
        Conversation.objects.select_for_update().select_related("brand", "channel").get(pk=conversation.pk)
    )
    channel = conversation.channel
    last_in = conversation.messages.filter(direction=Direction.IN).order_by("-created_at", "-pk").first()
    message = Message.objects.create(
        conversation=conversation,
        channel=channel,
        direction=Direction.OUT,
        author_user=agent,
        author_handle=agent.username,
        author_name=agent.public_name,
        text=text,
        in_reply_to=(last_in.external_id or "") if last_in else "",
    )
    if channel.kind == ChannelKind.COMMUNITY:
        from resonanz.sources.community import write_reply

        message.external_id = write_reply(channel, thread_key=conversation.thread_key, text=text, by=agent)
        message.save(update_fields=["external_id"])
        OutgoingReply.objects.create(
            message=message, status=DeliveryStatus.SENT, attempts=1, sent_at=timezone.now()
        )
    elif can_send(channel):
        reply = OutgoingReply.objects.create(message=message)
        from resonanz.inbox.tasks import deliver_reply_task

        transaction.on_commit(lambda: deliver_reply_task.enqueue(reply.pk))
    _mark_answered(conversation, message, agent=agent)
    return message


def _mark_answered(conversation: Conversation, message: Message, *, agent: User) -> None:
    if conversation.first_customer_at is not None and conversation.first_response_at is None:
        conversation.first_response_at = message.created_at
    conversation.message_count += 1
    conversation.last_activity_at = message.created_at
    if conversation.status in ACTIVE_STATUSES:
        conversation.status = Status.ANSWERED
    conversation.save(update_fields=["first_response_at", "message_count", "last_activity_at", "status"])
    ConversationEvent.objects.create(
        conversation=conversation,
        kind=ConversationEvent.Kind.ANSWERED,
        actor=agent,
        data={"message": message.pk, "via": conversation.channel.kind},
    )
    webhooks.emit(conversation, "conversation.answered", message)
