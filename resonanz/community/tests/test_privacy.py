"""Data export and account deletion follow each brand's deletion policy."""

from __future__ import annotations

import pytest

from resonanz.accounts.models import Brand, User
from resonanz.community.models import Post, Thread, Visibility
from resonanz.community.privacy import REMOVED_TEXT, delete_account, export_user_data
from resonanz.community.services import toggle_reaction
from resonanz.community.tests.factories import post_factory, thread_factory

pytestmark = pytest.mark.django_db


def test_export_contains_posts_and_memberships(brand, member):
    thread_factory(brand, author=member, body="Mein Beitrag")
    data = export_user_data(member)
    assert data["account"]["username"] == "mia"
    assert [p["text"] for p in data["posts"]] == ["Mein Beitrag"]
    assert data["memberships"][0]["brand"] == brand.slug


def test_delete_anonymises_or_removes_per_brand_policy(brand, other_brand, member):
    other_brand.deletion_policy = Brand.DeletionPolicy.REMOVE
    other_brand.save()
    kept = thread_factory(brand, author=member, body="Bleibt anonym stehen")
    gone = thread_factory(other_brand, title="Weg", author=member, body="Wird entfernt")
    reply = post_factory(kept, body="Antwort eines anderen")
    toggle_reaction(reply, kind="like", by=member)

    delete_account(member)

    assert not User.objects.filter(username="mia").exists()
    kept_post = kept.posts.get(is_opening=True)
    assert kept_post.author is None and kept_post.body == "Bleibt anonym stehen"
    gone_post = Post.objects.get(thread=gone, is_opening=True)
    assert gone_post.body == REMOVED_TEXT and gone_post.visibility == Visibility.DELETED
    assert Thread.objects.get(pk=kept.pk).author is None
    reply.refresh_from_db()
    assert reply.like_count == 1  # totals stay; the person behind them is gone


def test_delete_forgets_the_member_in_the_inbox(brand, other_brand, member):
    """The inbox copies of the member's posts lose the author everywhere and the text where the brand
    removes a deleted member's posts; other people's messages stay as they were."""
    from resonanz.inbox.models import Conversation, Message
    from resonanz.sources.community import ingest_post

    other_brand.deletion_policy = Brand.DeletionPolicy.REMOVE
    other_brand.save()
    kept = thread_factory(brand, author=member, body="Der Zug war pünktlich, danke!")
    gone = thread_factory(other_brand, title="Weg", author=member, body="Das Eis war geschmolzen.")
    gone_post = Post.objects.get(thread=gone, is_opening=True)
    kept_post = kept.posts.get(is_opening=True)
    neighbour = post_factory(gone, body="Bei mir auch.")
    for post in (kept_post, gone_post, neighbour):
        ingest_post(post, labels={})
    assert Message.objects.filter(author_handle="mia").count() == 2

    delete_account(member)

    kept_copy = Message.objects.get(external_id=f"post:{kept_post.pk}")
    assert (kept_copy.author_handle, kept_copy.author_name, kept_copy.author_user) == ("", "", None)
    assert kept_copy.text == "Der Zug war pünktlich, danke!"
    gone_copy = Message.objects.get(external_id=f"post:{gone_post.pk}")
    assert gone_copy.text == REMOVED_TEXT and gone_copy.author_handle == ""
    assert Message.objects.get(external_id=f"post:{neighbour.pk}").text == "Bei mir auch."
    assert not Conversation.objects.filter(customer_handle="mia").exists()
    assert not Message.objects.filter(text__contains="geschmolzen").exists()
    assert not Conversation.objects.filter(excerpt__contains="geschmolzen").exists()
