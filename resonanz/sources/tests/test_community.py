"""The community channel: forum posts enter the inbox once; team posts and inbox answers are outgoing."""

from __future__ import annotations

import pytest

from resonanz.community.models import Post
from resonanz.community.services import create_reply, create_thread
from resonanz.community.tests.factories import category_factory, thread_factory
from resonanz.inbox.models import Conversation, Direction, Message, Status
from resonanz.inbox.services import reply_to_conversation
from resonanz.sources.community import ingest_post
from resonanz.sources.models import Channel, ChannelKind

pytestmark = pytest.mark.django_db


def test_a_post_becomes_one_message_however_often_it_is_ingested(brand):
    thread = thread_factory(brand, body="Warum ist der Zug schon wieder zu spät?")
    post = thread.posts.get()
    first = ingest_post(post)
    second = ingest_post(post)
    assert first is not None and first.pk == second.pk
    assert Message.objects.count() == 1
    conversation = Conversation.objects.get()
    assert conversation.thread_key == f"thread:{thread.pk}"
    assert Channel.objects.get(brand=brand).kind == ChannelKind.COMMUNITY


def test_a_team_post_is_the_brands_answer(brand, agent):
    thread = thread_factory(brand)
    ingest_post(thread.posts.get())
    ingest_post(Post.objects.create(brand=brand, thread=thread, author=agent, body="Um 5 Uhr.", body_html=""))
    conversation = Conversation.objects.get()
    assert conversation.status == Status.ANSWERED
    assert list(conversation.messages.values_list("direction", flat=True)) == [Direction.IN, Direction.OUT]


def test_inbox_answer_is_posted_in_the_thread_and_not_ingested_twice(brand, agent):
    thread = thread_factory(brand)
    message = ingest_post(thread.posts.get())
    answer = reply_to_conversation(message.conversation, text="Wir kümmern uns!", by=agent)
    post = Post.objects.get(thread=thread, author=agent)
    assert answer.external_id == f"post:{post.pk}"
    assert answer.delivery.status == "sent"
    ingest_post(post)  # the post's own "entered" event
    assert Message.objects.filter(direction=Direction.OUT).count() == 1


def test_entered_task_feeds_the_inbox(brand, member, django_capture_on_commit_callbacks):
    """Through the real chain: create_thread → entered task → classify → inbox (immediate tasks)."""
    pytest.importorskip("resonanz.classify.services")
    with django_capture_on_commit_callbacks(execute=True):
        create_thread(
            brand,
            category=category_factory(brand),
            title="Verspätung",
            body="Schon wieder zu spät!",
            by=member,
        )
    thread = brand.threads.get()
    with django_capture_on_commit_callbacks(execute=True):
        create_reply(thread, body="Und heute auch.", by=member)
    conversation = Conversation.objects.get(brand=brand)
    assert conversation.message_count == 2
    assert Post.objects.filter(thread=thread).exclude(model_version="").count() == 2
