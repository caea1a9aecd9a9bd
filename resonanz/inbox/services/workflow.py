"""Working a conversation: assign, change status, add internal notes — each logged as an event."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from resonanz.accounts.models import Role, User
from resonanz.accounts.permissions import AnyUser, has_role
from resonanz.core.errors import InvalidInput
from resonanz.inbox import routing, webhooks
from resonanz.inbox.models import ACTIVE_STATUSES, Conversation, ConversationEvent, Note, Status
from resonanz.inbox.permissions import check_agent, check_moderator

MAX_NOTE_CHARS = 5000


def _locked(conversation: Conversation) -> Conversation:
    return Conversation.objects.select_for_update().select_related("brand", "channel").get(pk=conversation.pk)


@transaction.atomic
def assign_conversation(conversation: Conversation, *, to: User | None, by: AnyUser) -> Conversation:
    """Give the conversation to a team member (``to`` None: unassign)."""
    actor = check_agent(by, conversation.brand)
    if to is not None and not has_role(to, conversation.brand, Role.AGENT):
        raise InvalidInput(
            {"assignee": _("%(name)s is not in this brand's team.") % {"name": to.public_name}}
        )
    conversation = _locked(conversation)
    if conversation.assignee_id == (to.pk if to else None):
        return conversation
    conversation.assignee = to
    if conversation.status == Status.NEW:
        conversation.status = Status.OPEN
    conversation.save(update_fields=["assignee", "status"])
    ConversationEvent.objects.create(
        conversation=conversation,
        kind=ConversationEvent.Kind.ASSIGNED,
        actor=actor,
        data={"to": to.pk if to else None},
    )
    webhooks.emit(conversation, "conversation.assigned")
    return conversation


@transaction.atomic
def set_status(conversation: Conversation, *, status: str, by: AnyUser) -> Conversation:
    actor = check_agent(by, conversation.brand)
    if status not in Status.values:
        raise InvalidInput({"status": _("Unknown status.")})
    conversation = _locked(conversation)
    previous = conversation.status
    if previous == status:
        return conversation
    conversation.status = status
    if previous not in ACTIVE_STATUSES and status in ACTIVE_STATUSES:
        # Reopened by hand: a new measurement cycle starts now, with its own due time.
        conversation.first_customer_at, conversation.first_response_at = timezone.now(), None
        conversation.due_at = routing.due_at(
            routing.load_targets({conversation.brand_id}),
            brand_id=conversation.brand_id,
            priority=conversation.priority,
            start=conversation.first_customer_at,
        )
        ConversationEvent.objects.create(
            conversation=conversation,
            kind=ConversationEvent.Kind.REOPENED,
            actor=actor,
            data={"previous": previous},
        )
    conversation.save(update_fields=["status", "first_customer_at", "first_response_at", "due_at"])
    ConversationEvent.objects.create(
        conversation=conversation,
        kind=ConversationEvent.Kind.STATUS_CHANGED,
        actor=actor,
        data={"from": previous, "to": status},
    )
    webhooks.emit(conversation, "conversation.status_changed")
    return conversation


@transaction.atomic
def add_note(conversation: Conversation, *, text: str, by: AnyUser) -> Note:
    actor = check_agent(by, conversation.brand)
    text = (text or "").strip()
    if not text:
        raise InvalidInput({"text": _("Please write something.")})
    if len(text) > MAX_NOTE_CHARS:
        raise InvalidInput(
            {"text": _("The note is too long (at most %(n)s characters).") % {"n": MAX_NOTE_CHARS}}
        )
    note = Note.objects.create(conversation=conversation, author=actor, text=text)
    ConversationEvent.objects.create(
        conversation=conversation, kind=ConversationEvent.Kind.NOTE, actor=actor, data={"note": note.pk}
    )
    return note


@transaction.atomic
def clear_moderation_flag(conversation: Conversation, *, by: AnyUser) -> Conversation:
    """A moderator has looked at the abuse the classifier flagged: the conversation leaves the
    moderation filter (a later abusive message flags it again)."""
    actor = check_moderator(by, conversation.brand)
    conversation = _locked(conversation)
    if not conversation.needs_moderation:
        return conversation
    conversation.needs_moderation = False
    conversation.save(update_fields=["needs_moderation"])
    ConversationEvent.objects.create(
        conversation=conversation, kind=ConversationEvent.Kind.MODERATED, actor=actor
    )
    return conversation
