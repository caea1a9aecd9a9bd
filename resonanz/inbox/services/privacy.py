"""GDPR: when a member deletes their account, the inbox forgets who they were.

The community channel copies each forum post into the inbox (name, handle, text). Those copies follow
the brand's deletion policy like the posts themselves: the author is always removed; where the brand
removes a deleted member's posts, the copied text is replaced too. Other channels are left alone: their
authors are not accounts of Resonanz.
"""

from __future__ import annotations

from collections.abc import Collection

from django.db import transaction

from resonanz.accounts.models import User
from resonanz.inbox.models import Conversation, Direction, Message
from resonanz.sources.models import ChannelKind


@transaction.atomic
def forget_member(
    user: User, *, post_ids: Collection[int], removed_post_ids: Collection[int], text: str
) -> int:
    """Anonymise the inbox copies of ``user``'s community posts; ``removed_post_ids`` (a subset) also lose
    their text, replaced by ``text``. Returns the number of messages changed."""
    community = Message.objects.filter(channel__kind=ChannelKind.COMMUNITY)
    ids = [f"post:{pk}" for pk in post_ids]
    removed = [f"post:{pk}" for pk in removed_post_ids]
    mine = community.filter(external_id__in=ids) | community.filter(author_user=user)
    conversation_ids = set(mine.values_list("conversation_id", flat=True))
    changed = mine.update(author_handle="", author_name="", author_user=None)
    if removed:
        community.filter(external_id__in=removed).update(text=text)
    # The list shows the customer and the latest customer text on the conversation itself.
    conversations = Conversation.objects.filter(pk__in=conversation_ids)
    conversations.filter(customer_handle=user.username).update(customer_handle="", customer_name="")
    if removed:
        for conversation in conversations.filter(messages__external_id__in=removed).distinct():
            latest = (
                conversation.messages.filter(direction=Direction.IN).order_by("-created_at", "-id").first()
            )
            if latest is not None:
                Conversation.objects.filter(pk=conversation.pk).update(excerpt=latest.text[:240])
    return changed
