"""The Django admin is no side door: no lock, no category trick, no staff deletion of an author, no
change of the moderation record — outside and inside a deletion freeze."""

from __future__ import annotations

import pytest
from django.urls import reverse

from resonanz.accounts.models import User
from resonanz.accounts.tests.factories import UserFactory
from resonanz.community.models import Category, Post, Thread, Visibility
from resonanz.community.tests.factories import category_factory, thread_factory
from resonanz.moderation import services
from resonanz.moderation.models import ModerationDecision, ModLogEntry
from resonanz.moderation.tests.factories import rule

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("rules", "english")]


@pytest.fixture
def superuser() -> User:
    return UserFactory(is_staff=True, is_superuser=True)


@pytest.fixture(params=[False, True], ids=["no-freeze", "freeze"])
def frozen(request, brand, manager) -> bool:
    if request.param:
        services.set_deletion_freeze(brand, on=True, reason="Shitstorm nach dem Rückruf.", by=manager)
    return bool(request.param)


@pytest.fixture
def admin_client(client, superuser):
    client.force_login(superuser)
    return client


def log_size(brand) -> int:
    return ModLogEntry.objects.filter(brand=brand).count()


def test_a_thread_cannot_be_locked_or_hidden_in_the_admin(admin_client, brand, frozen):
    thread = thread_factory(brand, replies=1)
    before = log_size(brand)
    url = reverse("admin:community_thread_change", args=[thread.pk])
    page = admin_client.get(url)
    assert page.status_code == 200 and 'name="is_locked"' not in page.content.decode()
    response = admin_client.post(url, {"is_locked": "on", "is_pinned": "on", "visibility": Visibility.HIDDEN})
    assert response.status_code == 302
    thread.refresh_from_db()
    assert thread.is_pinned  # pinning hides nothing and stays editable
    assert not thread.is_locked and thread.visibility == Visibility.VISIBLE
    assert log_size(brand) == before


def test_a_category_keeps_its_kind_and_brand(admin_client, brand, other_brand, frozen):
    category = category_factory(brand)
    thread_factory(brand, category=category)
    url = reverse("admin:community_category_change", args=[category.pk])
    data = {"name": "Umbenannt", "slug": category.slug, "position": 3, "description": "",
            "kind": Category.Kind.BLOG, "brand": other_brand.pk}  # fmt: skip
    assert admin_client.post(url, data).status_code == 302
    category.refresh_from_db()
    assert category.name == "Umbenannt"
    assert category.kind == Category.Kind.FORUM and category.brand_id == brand.pk


def test_a_category_with_threads_cannot_be_deleted(admin_client, brand, frozen):
    category = category_factory(brand)
    thread = thread_factory(brand, category=category)
    page = admin_client.post(reverse("admin:community_category_delete", args=[category.pk]), {"post": "yes"})
    assert page.status_code == 200 and "Cannot delete category" in page.content.decode()
    bulk = {"action": "delete_selected", "_selected_action": [category.pk], "post": "yes"}
    admin_client.post(reverse("admin:community_category_changelist"), bulk)
    assert Category.objects.filter(pk=category.pk).exists() and Thread.objects.filter(pk=thread.pk).exists()


def test_an_empty_category_can_be_deleted(admin_client, brand):
    category = category_factory(brand, slug="leer", name="Leer")
    admin_client.post(reverse("admin:community_category_delete", args=[category.pk]), {"post": "yes"})
    assert not Category.objects.filter(pk=category.pk).exists()


def test_staff_cannot_delete_an_author(admin_client, brand, frozen):
    author = UserFactory()
    thread = thread_factory(brand, author=author, replies=0)
    page = admin_client.post(reverse("admin:accounts_user_delete", args=[author.pk]), {"post": "yes"})
    text = page.content.decode()
    assert page.status_code == 200 and "staff cannot delete this account" in text
    bulk = {"action": "delete_selected", "_selected_action": [author.pk], "post": "yes"}
    page = admin_client.post(reverse("admin:accounts_user_changelist"), bulk)
    assert "staff cannot delete this account" in page.content.decode()
    assert User.objects.filter(pk=author.pk).exists()
    assert Post.objects.get(thread=thread).author_id == author.pk


def test_staff_can_delete_an_account_without_posts(admin_client):
    lurker = UserFactory()
    admin_client.post(reverse("admin:accounts_user_delete", args=[lurker.pk]), {"post": "yes"})
    assert not User.objects.filter(pk=lurker.pk).exists()


def test_posts_cannot_be_edited_or_hidden_in_the_admin(admin_client, brand, frozen):
    post = thread_factory(brand).posts.get()
    url = reverse("admin:community_post_change", args=[post.pk])
    assert admin_client.post(url, {"body": "Anders.", "visibility": Visibility.HIDDEN}).status_code == 403
    post.refresh_from_db()
    assert post.body != "Anders." and post.visibility == Visibility.VISIBLE


def test_decisions_and_log_entries_are_read_only(admin_client, brand, moderator, frozen):
    post = thread_factory(brand).posts.get()
    post.labels = {"sentiment": "negative", "criticism": True}
    post.save(update_fields=["labels"])
    if frozen:
        services.record_freeze_override(post, by=brand.memberships.get(role="manager").user,
                                        reason="Rechtswidrige Inhalte laut Anwalt.")  # fmt: skip
    decision = services.hide_post(post, by=moderator, rules=[rule(brand)], explanation="Beleidigung anderer.")
    assert decision.status == ModerationDecision.Status.PENDING_APPROVAL
    change = reverse("admin:moderation_moderationdecision_change", args=[decision.pk])
    assert admin_client.post(change, {"status": "effective"}).status_code == 403
    delete = reverse("admin:moderation_moderationdecision_delete", args=[decision.pk])
    assert admin_client.post(delete, {"post": "yes"}).status_code == 403
    decision.refresh_from_db()
    assert decision.status == ModerationDecision.Status.PENDING_APPROVAL
    entry = ModLogEntry.objects.filter(brand=brand).order_by("-seq").first()
    assert entry is not None
    entry_change = reverse("admin:moderation_modlogentry_change", args=[entry.pk])
    assert admin_client.post(entry_change, {"excerpt": "redacted"}).status_code == 403
    bulk = {"action": "delete_selected", "_selected_action": [entry.pk], "post": "yes"}
    admin_client.post(reverse("admin:moderation_modlogentry_changelist"), bulk)
    assert ModLogEntry.objects.filter(pk=entry.pk).exists()
    post.refresh_from_db()
    assert post.visibility == Visibility.VISIBLE
