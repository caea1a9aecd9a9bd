"""Reads of the inbox, brand-scoped and permission-checked: agents and up only."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import F, Q, QuerySet
from django.utils import timezone

from resonanz.accounts.models import ROLE_ORDER, Brand, Role, User
from resonanz.accounts.permissions import AnyUser
from resonanz.core.errors import NotFound
from resonanz.inbox.models import (
    Conversation,
    ConversationEvent,
    Message,
    Note,
    ResponseTarget,
    SavedReply,
    Status,
    WebhookEndpoint,
)
from resonanz.inbox.permissions import check_admin, check_agent, check_manager, check_moderator
from resonanz.inbox.search import conversation_ids_matching

# Not ``is_active=True``: Django writes that as a bare column (WHERE "is_active"), which SQLite does not
# match to the (brand, is_active, …) indexes; "IN (true)" it does, and PostgreSQL either way.
ACTIVE = Q(is_active__in=[True])


@dataclass(frozen=True)
class ConversationFilter:
    """The list's filters, from GET parameters or the API; empty means "any"."""

    status: str = "active"  # a Status value, "active" (new/open/waiting) or "all"
    sentiment: str = ""
    criticism: bool | None = None
    moderation: bool | None = None  # abuse: routed to moderation
    uncertain: bool | None = None  # the classifier abstained on a head ("unsicher")
    type: str = ""
    topic: str = ""
    channel: int | None = None
    assignee: str = ""  # a user id, "me" or "none"
    overdue: bool = False
    q: str = ""
    sort: str = "newest"  # or "priority": overdue first, then by due time and priority


def _status_filter(status: str) -> Q:
    if status == "all":
        return Q()
    if status in Status.values:
        return Q(status=status)
    return ACTIVE


def _filters(brand: Brand, f: ConversationFilter, viewer: User) -> Q:
    query = _status_filter(f.status)
    simple = {"sentiment": f.sentiment, "post_type": f.type, "channel_id": f.channel}
    query &= Q(**{key: value for key, value in simple.items() if value})
    if f.criticism is not None:
        query &= Q(is_criticism=f.criticism)
    if f.moderation is not None:
        query &= Q(needs_moderation=f.moderation)
    if f.uncertain is not None:
        query &= Q(is_uncertain=f.uncertain)
    if f.topic:
        query &= Q(topics__contains=f"|{f.topic}|")
    if f.assignee == "me":
        query &= Q(assignee=viewer)
    elif f.assignee == "none":
        query &= Q(assignee__isnull=True)
    elif f.assignee.isdigit():
        query &= Q(assignee_id=int(f.assignee))
    if f.overdue:
        query &= ACTIVE & Q(due_at__lt=timezone.now())
    if f.q:
        query &= Q(pk__in=conversation_ids_matching(brand, f.q))
    return query


def list_conversations(
    brand: Brand, *, viewer: AnyUser, filters: ConversationFilter
) -> QuerySet[Conversation]:
    user = check_agent(viewer, brand)
    conversations = Conversation.objects.filter(_filters(brand, filters, user), brand=brand)
    if filters.sort == "priority" or filters.overdue:
        # (Overdue only: most overdue first. It also walks the due-time index, where newest-first
        # would sort every overdue conversation — all of them, in a neglected inbox.)
        # Earliest due first puts overdue conversations on top; due times follow the priority targets.
        # Active conversations always have a due time, so their order needs no NULLS LAST, which SQLite
        # could not take from the (brand, is_active, due_at) index.
        due = F("due_at").asc() if filters.status == "active" else F("due_at").asc(nulls_last=True)
        order: list[Any] = [due, "-priority", "-last_activity_at", "-pk"]
    else:
        order = ["-last_activity_at", "-pk"]
    # The assignee by a second small query, not a join: with a join SQLite starts from the users table
    # for "assigned to me" and sorts all of that person's history (150 ms at a million conversations).
    return conversations.select_related("channel").prefetch_related("assignee").order_by(*order)


def get_conversation(brand: Brand, conversation_id: int, *, viewer: AnyUser) -> Conversation:
    """Another brand's conversation is NotFound, never forbidden (no probing of ids)."""
    check_agent(viewer, brand)
    found = Conversation.objects.select_related("channel", "assignee", "brand").filter(
        pk=conversation_id, brand=brand
    )
    conversation = found.first()
    if conversation is None:
        raise NotFound(f"unknown conversation {conversation_id}")
    return conversation


def list_flagged_conversations(brand: Brand, *, viewer: AnyUser, limit: int = 100) -> list[Conversation]:
    """Conversations the classifier routed to moderation and no moderator has cleared yet, oldest
    first; for the moderation queue (community posts are also screened there directly)."""
    check_moderator(viewer, brand)
    found = Conversation.objects.filter(brand=brand, needs_moderation=True).select_related("channel")
    return list(found.order_by("last_activity_at", "pk")[:limit])


def list_messages(conversation: Conversation) -> QuerySet[Message]:
    return conversation.messages.select_related("author_user", "delivery").order_by("created_at", "pk")


def list_notes(conversation: Conversation) -> QuerySet[Note]:
    return conversation.notes.select_related("author")


def list_events(conversation: Conversation) -> QuerySet[ConversationEvent]:
    return conversation.events.select_related("actor")


def list_team(brand: Brand) -> QuerySet[User]:
    """Who can be assigned: the brand's agents and up."""
    roles = [role.value for role in ROLE_ORDER[ROLE_ORDER.index(Role.AGENT) :]]
    return User.objects.filter(
        memberships__brand=brand, memberships__role__in=roles, is_active=True
    ).order_by("username")


def list_saved_replies(brand: Brand, *, viewer: AnyUser) -> QuerySet[SavedReply]:
    check_agent(viewer, brand)
    return SavedReply.objects.filter(brand=brand)


def get_saved_reply(brand: Brand, saved_id: int, *, viewer: AnyUser) -> SavedReply:
    found = list_saved_replies(brand, viewer=viewer).filter(pk=saved_id).first()
    if found is None:
        raise NotFound(f"unknown saved reply {saved_id}")
    return found


def list_response_targets(brand: Brand, *, viewer: AnyUser) -> dict[int, int]:
    check_manager(viewer, brand)
    return dict(ResponseTarget.objects.filter(brand=brand).values_list("priority", "minutes"))


def list_webhook_endpoints(brand: Brand, *, viewer: AnyUser) -> QuerySet[WebhookEndpoint]:
    check_admin(viewer, brand)
    return WebhookEndpoint.objects.filter(brand=brand).order_by("pk")


def get_webhook_endpoint(brand: Brand, endpoint_id: int, *, viewer: AnyUser) -> WebhookEndpoint:
    found = WebhookEndpoint.objects.filter(brand=brand, pk=endpoint_id).first()
    check_admin(viewer, brand)
    if found is None:
        raise NotFound(f"unknown webhook endpoint {endpoint_id}")
    return found
