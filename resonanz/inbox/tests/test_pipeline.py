"""The ingestion pipeline: dedupe, threading, routing, reopening, per-item failure isolation."""

from __future__ import annotations

from datetime import timedelta

import pytest

from resonanz.inbox.models import (
    Conversation,
    ConversationEvent,
    InboundItem,
    Message,
    Priority,
    ResponseTarget,
    Status,
)
from resonanz.inbox.pipeline import ingest_now, process_pending
from resonanz.inbox.staging import stage_posts
from resonanz.inbox.tests.factories import channel_factory, conversation_factory, incoming

pytestmark = pytest.mark.django_db


def test_staged_posts_become_conversations_and_restaging_changes_nothing(brand):
    channel = channel_factory(brand)
    posts = [incoming(n) for n in range(1, 6)]
    first = stage_posts(channel, posts)
    process_pending()
    again = stage_posts(channel, posts)
    process_pending()
    assert (first.new, first.duplicates) == (5, 0)
    assert (again.new, again.duplicates) == (0, 5)
    assert Message.objects.count() == 5
    assert Conversation.objects.filter(brand=brand).count() == 5
    assert not InboundItem.objects.filter(state=InboundItem.State.PENDING).exists()


def test_duplicate_ids_within_one_batch_are_stored_once(brand):
    channel = channel_factory(brand)
    result = stage_posts(channel, [incoming(1), incoming(1, text="anders")])
    process_pending()
    assert (result.read, result.new, result.duplicates) == (2, 1, 1)
    assert Message.objects.get().text == "Wann fährt der erste Zug?"


def test_same_external_id_in_two_channels_is_two_messages(brand):
    a, b = channel_factory(brand, name="A"), channel_factory(brand, name="B")
    ingest_now(a, incoming(1))
    ingest_now(b, incoming(1))
    assert Message.objects.count() == 2


def test_replies_join_the_parent_conversation_even_when_they_arrive_first(brand):
    channel = channel_factory(brand)
    stage_posts(channel, [incoming(2, in_reply_to="ext-1"), incoming(3, in_reply_to="ext-2")])
    process_pending()
    ingest_now(channel, incoming(1))
    assert Conversation.objects.count() == 1
    assert Conversation.objects.get().message_count == 3


def test_thread_key_groups_messages(brand):
    channel = channel_factory(brand)
    for n in range(1, 4):
        ingest_now(channel, incoming(n, thread_key="T"))
    conversation = Conversation.objects.get()
    assert conversation.message_count == 3
    assert conversation.events.filter(kind=ConversationEvent.Kind.CREATED).count() == 1


@pytest.mark.parametrize(
    ("labels", "priority", "moderation"),
    [
        ({"sentiment": "negative", "type": "question"}, Priority.HIGH, False),
        ({"sentiment": "neutral", "type": "complaint"}, Priority.HIGH, False),
        ({"sentiment": "neutral", "type": "question"}, Priority.NORMAL, False),
        ({"sentiment": "positive", "type": "praise", "praise": True}, Priority.LOW, False),
        ({"sentiment": "neutral", "type": "other", "relevant": False}, Priority.LOW, False),
        ({"sentiment": "negative", "type": "other", "abuse": True}, Priority.NORMAL, True),
    ],
)
def test_priority_and_moderation_flag_follow_the_labels(brand, labels, priority, moderation):
    conversation = conversation_factory(brand, labels=labels)
    assert conversation.priority == priority
    assert conversation.needs_moderation is moderation
    assert conversation.sentiment == labels["sentiment"]


def test_due_time_comes_from_the_brands_target(brand):
    ResponseTarget.objects.create(brand=brand, priority=Priority.HIGH, minutes=30)
    conversation = conversation_factory(brand, labels={"type": "complaint"})
    assert conversation.due_at == conversation.first_customer_at + timedelta(minutes=30)


def test_customer_message_after_an_answer_reopens_with_a_new_measurement(brand):
    channel = channel_factory(brand)
    ingest_now(channel, incoming(1, thread_key="T"))
    ingest_now(channel, incoming(2, thread_key="T", from_brand=True))
    conversation = Conversation.objects.get()
    assert conversation.status == Status.ANSWERED
    assert conversation.first_response_at is not None
    ingest_now(channel, incoming(3, thread_key="T"))
    conversation.refresh_from_db()
    assert conversation.status == Status.OPEN
    assert conversation.first_response_at is None
    assert conversation.first_customer_at == incoming(3).created_at
    assert conversation.events.filter(kind=ConversationEvent.Kind.REOPENED).count() == 1


def test_a_failing_item_is_isolated_and_rejected_after_retries(brand, monkeypatch):
    channel = channel_factory(brand)
    stage_posts(channel, [incoming(1), incoming(2)], enqueue=False)
    bad = InboundItem.objects.get(external_id="ext-2")
    bad.payload = {"broken": True}
    bad.save()
    for _ in range(5):
        process_pending()
    assert Message.objects.filter(external_id="ext-1").exists()
    bad.refresh_from_db()
    assert bad.state == InboundItem.State.REJECTED
    assert bad.attempts == 5
    assert "broken" in bad.error or "text" in bad.error or bad.error


def test_a_late_older_message_is_history_and_reopens_nothing(brand):
    channel = channel_factory(brand)
    ingest_now(channel, incoming(5, thread_key="T", from_brand=True, text="Der Zug fährt wieder."))
    conversation = Conversation.objects.get()
    assert conversation.status == Status.ANSWERED and not conversation.customer_handle
    # the customer's question was older and arrives later (an import, a source listing newest first)
    ingest_now(channel, incoming(1, thread_key="T", text="Fährt der Zug heute?"))
    conversation.refresh_from_db()
    assert conversation.status == Status.ANSWERED
    assert not conversation.events.filter(kind=ConversationEvent.Kind.REOPENED).exists()
    assert (conversation.customer_handle, conversation.excerpt) == ("kunde1", "Fährt der Zug heute?")
    assert conversation.message_count == 2
