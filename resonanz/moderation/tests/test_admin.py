"""The Django admin cannot change the moderation record or delete/hide posts behind the log's back."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.test import RequestFactory
from django.urls import reverse

from resonanz.accounts.tests.factories import UserFactory
from resonanz.community.models import Post, Thread, Visibility
from resonanz.moderation import services
from resonanz.moderation.models import (
    Appeal,
    HouseRuleVersion,
    ModerationDecision,
    ModerationSettings,
    ModLogEntry,
    Report,
)
from resonanz.moderation.tests.factories import rule

pytestmark = pytest.mark.django_db
RECORD = (ModerationDecision, ModLogEntry, Report, Appeal, HouseRuleVersion, ModerationSettings)


@pytest.fixture
def superuser():
    return UserFactory(is_staff=True, is_superuser=True)


def test_moderation_record_is_read_only_for_superusers(superuser):
    for method in ("get", "post"):
        request = getattr(RequestFactory(), method)("/admin/")
        request.user = superuser
        for model in RECORD:
            model_admin = admin.site._registry[model]
            assert not model_admin.has_add_permission(request)
            assert not model_admin.has_delete_permission(request)
            assert model_admin.has_change_permission(request) is (method == "get")
    for model in (Post, Thread):
        request = RequestFactory().post("/admin/")
        request.user = superuser
        assert not admin.site._registry[model].has_delete_permission(request)


def test_admin_pages_show_but_do_not_delete_or_hide(client, superuser, abusive_post, moderator):
    decision = services.hide_post(abusive_post, by=moderator, rules=[rule(abusive_post.brand)],
                                  explanation="Beleidigung anderer.")  # fmt: skip
    entry = ModLogEntry.objects.get(decision=decision)
    client.force_login(superuser)
    assert client.get(reverse("admin:moderation_modlogentry_change", args=[entry.pk])).status_code == 200
    delete = client.post(reverse("admin:moderation_modlogentry_delete", args=[entry.pk]), {"post": "yes"})
    assert delete.status_code == 403 and ModLogEntry.objects.filter(pk=entry.pk).exists()
    post_delete = reverse("admin:community_post_delete", args=[abusive_post.pk])
    assert client.post(post_delete, {"post": "yes"}).status_code == 403
    change = reverse("admin:community_post_change", args=[abusive_post.pk])
    assert client.post(change, {"visibility": Visibility.VISIBLE}).status_code == 403
    abusive_post.refresh_from_db()
    assert abusive_post.visibility == Visibility.HIDDEN
