"""Inbox data: staging rows, conversations and messages, team tools, deliveries out."""

from resonanz.inbox.models.conversation import (
    ACTIVE_STATUSES,
    Conversation,
    ConversationEvent,
    Direction,
    Message,
    Note,
    Priority,
    Status,
)
from resonanz.inbox.models.delivery import DeliveryStatus, OutgoingReply, WebhookDelivery, WebhookEndpoint
from resonanz.inbox.models.staging import InboundItem
from resonanz.inbox.models.team import ResponseTarget, SavedReply

__all__ = [
    "ACTIVE_STATUSES",
    "Conversation",
    "ConversationEvent",
    "DeliveryStatus",
    "Direction",
    "InboundItem",
    "Message",
    "Note",
    "OutgoingReply",
    "Priority",
    "ResponseTarget",
    "SavedReply",
    "Status",
    "WebhookDelivery",
    "WebhookEndpoint",
]
