"""Store → thread → route for a batch of staged items, with a handful of bulk queries per batch.

Called inside one transaction by pipeline.py: either everything of the batch becomes visible (messages,
conversation updates, events, webhooks, items marked processed) or nothing does.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db import connection
from django.db.models import F
from django.utils import timezone

from resonanz.inbox import labels as labelling
from resonanz.inbox import routing
from resonanz.inbox.bulk import insert_new, insert_rows, update_rows
from resonanz.inbox.models import (
    ACTIVE_STATUSES,
    Conversation,
    ConversationEvent,
    Direction,
    InboundItem,
    Message,
    Status,
)
from resonanz.inbox.webhooks import has_endpoints, queue_events
from resonanz.sources.incoming import IncomingPost
from resonanz.sources.models import Channel

CONVERSATION_FIELDS = [
    "subject",
    "status",
    "priority",
    "sentiment",
    "post_type",
    "is_criticism",
    "is_uncertain",
    "needs_moderation",
    "topics",
    "labels",
    "customer_handle",
    "customer_name",
    "excerpt",
    "message_count",
    "first_customer_at",
    "first_response_at",
    "due_at",
    "last_activity_at",
]


NEW_CONVERSATION_FIELDS = ["brand", "channel", "thread_key", "assignee", "created_at", *CONVERSATION_FIELDS]
MESSAGE_FIELDS = (
    "conversation", "channel", "direction", "is_automated", "author_handle", "author_name", "author_user",
    "text", "url", "external_id", "in_reply_to", "labels", "model_version", "created_at",
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class Claimed:
    """A staged item taken for processing: the row's fields and its (cached) channel, no model object."""

    pk: int
    channel: Channel
    external_id: str
    payload: dict[str, Any]

    @property
    def channel_id(self) -> int:
        return self.channel.pk


@dataclass
class Batch:
    targets: dict[tuple[int, int], int]
    events: list[tuple[Conversation, str, dict[str, Any], datetime]] = field(default_factory=list)
    hooks: list[tuple[Conversation, str, Message | None]] = field(default_factory=list)

    def event(self, conversation: Conversation, kind: str, when: datetime, **data: Any) -> None:
        self.events.append((conversation, kind, data, when))


def apply_items(items: list[Claimed], item_labels: list[dict[str, Any]]) -> list[Message]:
    """Turn staged items into messages; items whose message exists already are just marked processed."""
    posts = [IncomingPost.from_payload(item.payload) for item in items]
    known = _existing(items)
    fresh = [
        (item, post, labels)
        for item, post, labels in zip(items, posts, item_labels, strict=True)
        if (item.channel_id, post.external_id) not in known
    ]
    # Sources often list newest first (Mastodon, X archives): thread and measure in time order.
    fresh.sort(key=lambda entry: entry[1].created_at)
    keys = _conversation_keys([(item.channel_id, post) for item, post, _ in fresh])
    fresh, keys, orphans = _without_orphan_history(fresh, keys)
    first: dict[tuple[int, str], tuple[Claimed, IncomingPost]] = {}
    for (item, post, _labels), key in zip(fresh, keys, strict=True):
        first.setdefault((item.channel_id, key), (item, post))
    batch = Batch(targets=routing.load_targets({item.channel.brand_id for item in items}))
    conversations = _load_conversations(set(first))
    _create_missing(first, conversations, batch)
    added: list[tuple[Conversation, Message]] = []
    for (item, post, labels), key in zip(fresh, keys, strict=True):
        conversation = conversations[(item.channel_id, key)]
        added.append((conversation, _add_message(conversation, item, post, labels, batch)))
    _save(added, batch)
    InboundItem.objects.filter(pk__in=[item.pk for item in items]).update(
        state=InboundItem.State.PROCESSED, processed_at=timezone.now(), attempts=F("attempts") + 1, error=""
    )
    if orphans:
        InboundItem.objects.filter(pk__in=orphans).update(
            error="not shown: the brand's own post, no conversation with a customer message"
        )
    return [message for _, message in added]


def _without_orphan_history(
    fresh: list[tuple[Claimed, IncomingPost, dict[str, Any]]], keys: list[str]
) -> tuple[list[tuple[Claimed, IncomingPost, dict[str, Any]]], list[str], list[int]]:
    """The brand's own archived posts (``extra["history"]``, e.g. from an X archive) only fill
    conversations that have, or get in this batch, a customer message; they never open one alone.
    Returns the kept posts and keys, and the items left out (processed with a note, so a re-import
    does not bring them back)."""
    history = [post.extra.get("history") == "1" for _, post, _ in fresh]
    if not any(history):
        return fresh, keys, []
    places = [(item.channel_id, key) for (item, _, _), key in zip(fresh, keys, strict=True)]
    usable = set(_load_conversations(set(places)))
    usable.update(place for place, old in zip(places, history, strict=True) if not old)
    keep = [not old or place in usable for place, old in zip(places, history, strict=True)]
    return (
        [entry for entry, ok in zip(fresh, keep, strict=True) if ok],
        [key for key, ok in zip(keys, keep, strict=True) if ok],
        [entry[0].pk for entry, ok in zip(fresh, keep, strict=True) if not ok],
    )


def _existing(items: list[Claimed]) -> set[tuple[int, str]]:
    rows = Message.objects.filter(
        channel_id__in={item.channel_id for item in items},
        external_id__in=[item.external_id for item in items],
    ).values_list("channel_id", "external_id")
    return {(channel_id, external_id or "") for channel_id, external_id in rows}


def _conversation_keys(posts: list[tuple[int, IncomingPost]]) -> list[str]:
    """The thread a post belongs to: its own thread key, else its parent's conversation, else itself.

    A reply whose parent is not known yet is keyed by the parent's id, so when the parent arrives later
    (without a thread key, keyed by its own id) both meet in one conversation.
    """
    parents = {(channel_id, post.in_reply_to) for channel_id, post in posts if post.in_reply_to}
    known: dict[tuple[int, str], str] = {}
    if parents:
        rows = Message.objects.filter(
            channel_id__in={c for c, _ in parents}, external_id__in=[p for _, p in parents]
        ).values_list("channel_id", "external_id", "conversation__thread_key")
        known = {(channel_id, ext or ""): key for channel_id, ext, key in rows}
    keys: list[str] = []
    for channel_id, post in posts:
        if post.thread_key:
            key = post.thread_key
        elif post.in_reply_to:
            key = known.get((channel_id, post.in_reply_to), post.in_reply_to)
        else:
            key = post.external_id
        known.setdefault((channel_id, post.external_id), key)
        keys.append(key)
    return keys


def _load_conversations(keys: set[tuple[int, str]]) -> dict[tuple[int, str], Conversation]:
    if not keys:
        return {}
    found = Conversation.objects.filter(
        channel_id__in={c for c, _ in keys}, thread_key__in=[k for _, k in keys]
    ).order_by("pk")  # a fixed lock order, so two workers cannot deadlock on the same rows
    if connection.features.has_select_for_update_of:  # PostgreSQL; SQLite has one writer anyway
        found = found.select_for_update(of=("self",))
    return {(c.channel_id, c.thread_key): c for c in found if (c.channel_id, c.thread_key) in keys}


def _create_missing(
    first: dict[tuple[int, str], tuple[Claimed, IncomingPost]],
    found: dict[tuple[int, str], Conversation],
    batch: Batch,
) -> None:
    """Insert the conversations this batch starts, in key order (so concurrent workers cannot
    deadlock); keys another worker created meanwhile are loaded (and locked) instead."""
    missing = sorted(key for key in first if key not in found)
    if not missing:
        return
    new = [_new_conversation(*first[key], key[1]) for key in missing]
    for conversation in insert_new(
        Conversation, new, NEW_CONVERSATION_FIELDS, unique=("channel", "thread_key")
    ):
        assert isinstance(conversation, Conversation)
        found[(conversation.channel_id, conversation.thread_key)] = conversation
        batch.event(conversation, ConversationEvent.Kind.CREATED, conversation.created_at)
        batch.hooks.append((conversation, "conversation.created", None))
    lost = {key for key in missing if key not in found}
    if lost:
        found.update(_load_conversations(lost))


def _new_conversation(item: Claimed, post: IncomingPost, key: str) -> Conversation:
    return Conversation(
        brand_id=item.channel.brand_id,
        channel=item.channel,
        thread_key=key,
        subject=(post.title or post.text.split("\n", 1)[0])[:200],
        status=Status.NEW,
        created_at=post.created_at,
        last_activity_at=post.created_at,
    )


def _add_message(
    conversation: Conversation, item: Claimed, post: IncomingPost, labels: dict[str, Any], batch: Batch
) -> Message:
    user_id = post.extra.get("user_id")
    message = Message(
        channel=item.channel,
        direction=Direction.OUT if post.from_brand else Direction.IN,
        is_automated=post.extra.get("automated") == "1",
        author_handle=post.author_handle,
        author_name=post.author_name,
        author_user_id=int(user_id) if user_id else None,
        text=post.text,
        url=post.url,
        external_id=post.external_id,
        in_reply_to=post.in_reply_to,
        labels=labels,
        model_version=str(labels.get("model_version", ""))[:64],
        created_at=post.created_at,
    )
    # Older than what the conversation already has (a late import, a source listing newest first across
    # polls): history that fills the thread, not a new turn that reopens or answers it.
    history = conversation.message_count > 0 and post.created_at < conversation.last_activity_at
    conversation.message_count += 1
    conversation.last_activity_at = max(conversation.last_activity_at, post.created_at)
    if post.from_brand:
        _on_brand_message(conversation, message, batch, history=history)
    else:
        _on_customer_message(conversation, post, labels, batch, history=history)
        batch.hooks.append((conversation, "message.received", message))
    return message


def _on_customer_message(
    conversation: Conversation, post: IncomingPost, labels: dict[str, Any], batch: Batch, *, history: bool
) -> None:
    decided = routing.route(labels)
    is_first = conversation.first_customer_at is None and conversation.status == Status.NEW
    if conversation.status in (Status.ANSWERED, Status.CLOSED) and not history:
        # A new measurement cycle: KPIs see the reopening, not one inflated response time.
        batch.event(
            conversation, ConversationEvent.Kind.REOPENED, post.created_at, previous=conversation.status
        )
        batch.hooks.append((conversation, "conversation.reopened", None))
        conversation.status = Status.OPEN
        conversation.first_customer_at = post.created_at
        conversation.first_response_at = None
        conversation.priority = decided.priority
    else:
        if conversation.status == Status.WAITING and not history:
            conversation.status = Status.OPEN
        conversation.priority = decided.priority if is_first else max(conversation.priority, decided.priority)
    if conversation.first_customer_at is None:
        conversation.first_customer_at = post.created_at
    conversation.due_at = routing.due_at(
        batch.targets,
        brand_id=conversation.brand_id,
        priority=conversation.priority,
        start=conversation.first_customer_at,
    )
    conversation.needs_moderation = conversation.needs_moderation or decided.needs_moderation
    if not history or not conversation.excerpt:  # the list shows the latest customer message's labels
        _summarise(conversation, post, labels, decided.reason)
    if not conversation.customer_handle:
        conversation.customer_handle = post.author_handle
        conversation.customer_name = post.author_name


def _summarise(conversation: Conversation, post: IncomingPost, labels: dict[str, Any], reason: str) -> None:
    conversation.labels = labelling.summary(labels) | {"route": reason}
    conversation.sentiment = str(labels.get("sentiment", ""))[:10]
    conversation.post_type = str(labels.get("type", ""))[:12]
    conversation.is_criticism = bool(labels.get("criticism"))
    conversation.is_uncertain = labelling.is_uncertain(labels)
    topics = [str(t) for t in labels.get("topics", [])] + [str(a) for a in labels.get("aspects", [])]
    conversation.topics = (f"|{'|'.join(topics)}|" if topics else "")[:500]
    conversation.excerpt = post.text[:240]


def _on_brand_message(conversation: Conversation, message: Message, batch: Batch, *, history: bool) -> None:
    """The brand answered on the channel itself (e.g. an agent wrote in the forum thread)."""
    started = conversation.first_customer_at
    if started is not None and conversation.first_response_at is None and message.created_at >= started:
        conversation.first_response_at = message.created_at
    if conversation.status in ACTIVE_STATUSES and not history:
        conversation.status = Status.ANSWERED
        batch.event(conversation, ConversationEvent.Kind.ANSWERED, message.created_at, via="channel")
        batch.hooks.append((conversation, "conversation.answered", message))


def _save(added: list[tuple[Conversation, Message]], batch: Batch) -> None:
    touched = {id(c): c for c, _ in added}
    update_rows(Conversation, list(touched.values()), CONVERSATION_FIELDS)
    for conversation, message in added:
        message.conversation = conversation
    # Message ids are needed only for webhook payloads; without endpoints the cheaper insert will do.
    with_ids = has_endpoints({conversation.brand_id for conversation, _ in added})
    insert_rows(Message, [message for _, message in added], MESSAGE_FIELDS, returning=with_ids)
    events = [
        ConversationEvent(conversation=c, kind=kind, data=data, created_at=when)
        for c, kind, data, when in batch.events
    ]
    insert_rows(ConversationEvent, events, ("conversation", "kind", "data", "created_at"), returning=False)
    queue_events(batch.hooks)
