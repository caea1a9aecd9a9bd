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
    assert gone_post.body == REMOVED_TEXT and gone_post.visibility == Visibility.REMOVED
    assert Thread.objects.get(pk=kept.pk).author is None
    reply.refresh_from_db()
    assert reply.like_count == 1  # totals stay; the person behind them is gone
