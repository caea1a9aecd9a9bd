"""Forum services: creating, replying, editing, reacting, and what they refuse."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone, translation

from resonanz.accounts.models import Role
from resonanz.accounts.permissions import has_role
from resonanz.accounts.tests.factories import UserFactory
from resonanz.community import services
from resonanz.community.models import Post, Reaction, Thread
from resonanz.community.search import search_posts
from resonanz.community.tests.factories import category_factory, thread_factory
from resonanz.core.errors import InvalidInput, NotAllowed

pytestmark = pytest.mark.django_db


def test_create_thread_makes_author_a_member_and_renders_markdown(brand, django_user_model):
    user = django_user_model.objects.create_user(username="neu", email="neu@example.org", password="x" * 12)
    thread = services.create_thread(
        brand,
        category=category_factory(brand),
        title="Zug fällt aus",
        body="**Schon wieder** <script>x</script>",
        by=user,
    )
    post = thread.posts.get()
    assert post.is_opening
    assert "<strong>Schon wieder</strong>" in post.body_html
    assert "<script>" not in post.body_html
    assert has_role(user, brand, Role.MEMBER)


def test_create_thread_rejects_empty_and_oversized_text_without_saving(brand, member, settings):
    category = category_factory(brand)
    with pytest.raises(InvalidInput) as empty:
        services.create_thread(brand, category=category, title="Titel ok", body="   ", by=member)
    assert "body" in empty.value.errors
    settings.RESONANZ = {**settings.RESONANZ, "MAX_POST_CHARS": 10}
    with pytest.raises(InvalidInput):
        services.create_thread(brand, category=category, title="Titel ok", body="x" * 11, by=member)
    assert Thread.objects.count() == 0 and Post.objects.count() == 0


def test_category_of_another_brand_is_refused(brand, other_brand, member):
    with pytest.raises(InvalidInput) as exc:
        services.create_thread(
            brand, category=category_factory(other_brand), title="Hallo", body="Text", by=member
        )
    assert "category" in exc.value.errors


def test_anonymous_cannot_post(brand):
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(NotAllowed):
        services.create_thread(
            brand, category=category_factory(brand), title="Hallo", body="T", by=AnonymousUser()
        )


def test_reply_counts_and_locked_thread(brand, member, moderator):
    thread = thread_factory(brand)
    services.create_reply(thread, body="Danke!", by=member)
    thread.refresh_from_db()
    assert thread.reply_count == 1
    locked = thread_factory(brand, locked=True)
    with pytest.raises(NotAllowed):
        services.create_reply(locked, body="Hallo?", by=member)
    assert services.create_reply(locked, body="Moderator darf", by=moderator).pk


def test_edit_own_post_within_window_only(brand, member):
    thread = thread_factory(brand, author=member)
    post = thread.posts.get()
    services.edit_post(post, body="Korrigiert", by=member)
    post.refresh_from_db()
    assert post.body == "Korrigiert" and post.edited_at is not None
    with time_machine.travel(timezone.now() + timedelta(hours=2)), pytest.raises(NotAllowed):
        services.edit_post(post, body="Zu spät", by=member)


def test_cannot_edit_someone_elses_post(brand, member, moderator):
    post = thread_factory(brand, author=member).posts.get()
    with pytest.raises(NotAllowed):
        services.edit_post(post, body="Fremd", by=moderator)


def test_toggle_reaction_counts_once_per_user(brand, member):
    post = thread_factory(brand).posts.get()
    assert services.toggle_reaction(post, kind="like", by=member) is True
    post.refresh_from_db()
    assert post.like_count == 1
    assert services.toggle_reaction(post, kind="like", by=member) is False
    post.refresh_from_db()
    assert post.like_count == 0 and Reaction.objects.count() == 0


def test_mentions_link_to_existing_profiles_only(brand, member):
    thread = services.create_thread(
        brand, category=category_factory(brand), title="Hallo", body="Danke @mia und @niemand", by=member
    )
    html = thread.posts.get().body_html
    assert 'href="/accounts/u/mia/"' in html
    assert "@niemand" in html and "/u/niemand/" not in html


def test_search_finds_visible_posts_of_the_brand_only(brand, other_brand, member):
    thread_factory(brand, body="Die Klimaanlage im Regionalexpress ist kaputt")
    thread_factory(other_brand, body="Die Klimaanlage im Eiscafé ist super")
    hidden = thread_factory(brand, body="Klimaanlage versteckt").posts.get()
    Post.objects.filter(pk=hidden.pk).update(visibility="hidden")
    results = search_posts(brand, "klimaanl")
    assert [p.body for p in results] == ["Die Klimaanlage im Regionalexpress ist kaputt"]
    assert search_posts(brand, "  ") == []
    assert search_posts(brand, 'AND OR "* NEAR(') == []  # FTS syntax in user input is harmless


def test_restricted_author_cannot_write_or_edit_until_the_restriction_ends(brand):
    from resonanz.accounts.tests.factories import member_factory
    from resonanz.moderation import services as moderation
    from resonanz.moderation.errors import AuthorRestricted
    from resonanz.moderation.tests.factories import rule, rules_factory

    rules_factory(brand)
    author = member_factory(brand)
    thread = thread_factory(brand, author=author, body="Ihr seid alle Idioten!")
    kept = services.create_reply(thread, body="Mein zweiter Beitrag.", by=author)
    offending = thread.posts.get(is_opening=True)
    # Confident abuse, but the author's other (unclassified) post is protected: a second person approves.
    offending.labels = {"sentiment": "negative", "abuse": True, "abuse_confident": True}
    offending.save(update_fields=["labels"])
    proposal = moderation.restrict_author(
        offending,
        by=member_factory(brand, Role.MODERATOR),
        rules=[rule(brand)],
        explanation="Beleidigung der Mitreisenden.",
        restrict_days=7,
    )
    assert proposal.status == "pending_approval"
    moderation.approve_decision(proposal, by=member_factory(brand, Role.MODERATOR))
    with pytest.raises(AuthorRestricted):
        services.create_thread(brand, category=category_factory(brand), title="Neu", body="Hallo", by=author)
    with pytest.raises(AuthorRestricted):
        services.create_reply(thread, body="Noch einer", by=author)
    with pytest.raises(AuthorRestricted):
        services.edit_post(kept, body="geändert", by=author)
    with time_machine.travel(timezone.now() + timedelta(days=8)):
        assert services.create_reply(thread, body="Wieder da.", by=author).body == "Wieder da."


def test_moderated_post_cannot_be_edited_by_its_author(brand):
    author = UserFactory()
    post = thread_factory(brand, author=author, body="Text").posts.get()
    Post.objects.filter(pk=post.pk).update(visibility="hidden")
    post.refresh_from_db()
    with translation.override("en"), pytest.raises(NotAllowed, match="moderated"):
        services.edit_post(post, body="geändert", by=author)
