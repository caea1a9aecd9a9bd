"""Writes of the inbox, one module per topic; import from here."""

from resonanz.inbox.services.replies import reply_to_conversation
from resonanz.inbox.services.team import (
    delete_saved_reply,
    render_saved_reply,
    save_saved_reply,
    set_response_target,
)
from resonanz.inbox.services.webhook_endpoints import create_webhook_endpoint, delete_webhook_endpoint
from resonanz.inbox.services.workflow import (
    add_note,
    assign_conversation,
    clear_moderation_flag,
    set_status,
)

__all__ = [
    "add_note",
    "assign_conversation",
    "clear_moderation_flag",
    "create_webhook_endpoint",
    "delete_saved_reply",
    "delete_webhook_endpoint",
    "render_saved_reply",
    "reply_to_conversation",
    "save_saved_reply",
    "set_response_target",
    "set_status",
]
