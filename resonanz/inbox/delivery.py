"""Answers going back through their channel: one attempt per task, retried with backoff, failures shown."""

from __future__ import annotations

import logging

from django.db import transaction
from django.utils import timezone

from resonanz.accounts.permissions import AnyUser
from resonanz.core.errors import NotFound
from resonanz.inbox import webhooks
from resonanz.inbox.backoff import MAX_ATTEMPTS, claim_attempt, next_attempt_at, schedule_retry
from resonanz.inbox.models import (
    Conversation,
    ConversationEvent,
    DeliveryStatus,
    Direction,
    Message,
    OutgoingReply,
)
from resonanz.inbox.permissions import check_agent
from resonanz.sources.connectors import DeliveryError, ReplyTarget, connector_for
from resonanz.sources.crypto import CredentialError
from resonanz.sources.services import channel_secrets

log = logging.getLogger(__name__)


def deliver_reply(reply_id: int) -> OutgoingReply | None:
    """Send one queued answer; idempotent (sent or claimed elsewhere: nothing happens)."""
    if not claim_attempt(OutgoingReply, reply_id):
        return OutgoingReply.objects.filter(pk=reply_id).first()
    reply = OutgoingReply.objects.select_related("message__conversation__channel").get(pk=reply_id)
    message = reply.message
    conversation = message.conversation
    target = reply_target(message)
    try:
        if not conversation.channel.enabled:
            raise DeliveryError(f"the channel {conversation.channel.name} is switched off", permanent=True)
        send = connector_for(conversation.channel).reply()
        external_id = send(conversation.channel, channel_secrets(conversation.channel), target, message.text)
    except (DeliveryError, CredentialError) as exc:
        permanent = isinstance(exc, CredentialError) or exc.permanent
        _failed(reply, str(exc), permanent=permanent, retry_after=getattr(exc, "retry_after", None))
    except Exception as exc:  # network errors of any client library: transient, retry
        log.warning("reply %s failed: %s", reply_id, exc)
        _failed(reply, f"{type(exc).__name__}: {exc}", permanent=False, retry_after=None)
    else:
        with transaction.atomic():
            message.external_id = external_id
            message.save(update_fields=["external_id"])
            reply.status, reply.last_error, reply.next_attempt_at = DeliveryStatus.SENT, "", None
            reply.sent_at = timezone.now()
            reply.save()
    return reply


def reply_target(message: Message) -> ReplyTarget:
    """Whom and what the answer addresses: the author of the message answered (on Mastodon, the person
    who wrote that status, not the conversation's first customer) and the thread's ids before it."""
    conversation = message.conversation
    earlier = list(
        conversation.messages.exclude(external_id="")
        .exclude(pk=message.pk)
        .order_by("created_at", "pk")
        .values_list("external_id", "author_handle", "direction")
    )
    answered = next((row for row in earlier if row[0] == message.in_reply_to), None)
    author = answered[1] if answered is not None and answered[2] == Direction.IN and answered[1] else ""
    ids = [row[0] or "" for row in earlier]
    if message.in_reply_to in ids:
        ids = ids[: ids.index(message.in_reply_to)]
    return ReplyTarget(
        in_reply_to=message.in_reply_to,
        thread_key=conversation.thread_key,
        author_handle=author or conversation.customer_handle,
        subject=conversation.subject,
        references=tuple(ids),
    )


def _failed(reply: OutgoingReply, error: str, *, permanent: bool, retry_after: int | None) -> None:
    reply.last_error = error[:2000]
    give_up = permanent or reply.attempts >= MAX_ATTEMPTS
    with transaction.atomic():
        if give_up:
            reply.status, reply.next_attempt_at = DeliveryStatus.FAILED, None
            conversation = reply.message.conversation
            ConversationEvent.objects.create(
                conversation=conversation,
                kind=ConversationEvent.Kind.DELIVERY_FAILED,
                data={"message": reply.message_id, "error": reply.last_error[:300]},
            )
            webhooks.emit(conversation, "reply.failed", reply.message)
        else:
            reply.next_attempt_at = next_attempt_at(reply.attempts, retry_after=retry_after)
        reply.save()
    if not give_up and reply.next_attempt_at is not None:
        from resonanz.inbox.tasks import deliver_reply_task

        schedule_retry(deliver_reply_task, reply.next_attempt_at, reply.pk)


@transaction.atomic
def retry_reply(conversation: Conversation, reply_id: int, *, by: AnyUser) -> OutgoingReply:
    """An agent asks to try a failed answer again now (a fresh round of attempts with backoff)."""
    check_agent(by, conversation.brand)
    reply = OutgoingReply.objects.filter(pk=reply_id, message__conversation=conversation).first()
    if reply is None:
        raise NotFound(f"unknown delivery {reply_id}")
    if reply.status == DeliveryStatus.FAILED:
        OutgoingReply.objects.filter(pk=reply.pk, status=DeliveryStatus.FAILED).update(
            status=DeliveryStatus.QUEUED, next_attempt_at=None, attempts=0
        )
        from resonanz.inbox.tasks import deliver_reply_task

        transaction.on_commit(lambda: deliver_reply_task.enqueue(reply.pk))
    return reply


def retry_due() -> int:
    """The sweep for backends that cannot defer tasks: send every delivery whose retry time has come."""
    now = timezone.now()
    due = list(
        OutgoingReply.objects.filter(status=DeliveryStatus.QUEUED, next_attempt_at__lte=now).values_list(
            "pk", flat=True
        )[:500]
    )
    for pk in due:
        deliver_reply(pk)
    hooks = webhooks.due_webhook_ids()
    for pk in hooks:
        webhooks.deliver_webhook(pk)
    return len(due) + len(hooks)
