"""Django admin for brands, users and their roles per brand."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import AdminPasswordChangeForm
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import ngettext

from resonanz.accounts.models import ApiToken, Brand, Membership, User


class ReadOnlyMembershipInline(admin.TabularInline):
    """Roles are shown here but changed on the membership pages, which record each grant and publish it
    in the moderation log (the moderation app registers them)."""

    model = Membership
    extra = 0
    fields = ("user", "brand", "role", "created_at")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class MembershipInline(ReadOnlyMembershipInline):
    pass


@admin.register(Brand)
class BrandAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "timezone", "deletion_policy", "is_active"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [MembershipInline]


class UserMembershipInline(ReadOnlyMembershipInline):
    fk_name = "user"


class RevokingAdminPasswordChangeForm(AdminPasswordChangeForm):
    """An admin setting someone's password ends that person's API tokens, like a change or reset does
    (their sessions end through Django's password-bound session hash)."""

    def save(self, commit: bool = True) -> User:
        with transaction.atomic():
            user: User = super().save(commit=commit)
            if commit:
                ApiToken.objects.filter(user=user).delete()
        return user


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    change_password_form = RevokingAdminPasswordChangeForm
    list_display = ["username", "email", "display_name", "is_active", "is_staff", "date_joined"]
    fieldsets = (
        *(BaseUserAdmin.fieldsets or ()),
        ("Resonanz", {"fields": ("display_name", "preferred_language")}),
    )
    inlines = [UserMembershipInline]

    def get_deleted_objects(self, objs: Any, request: HttpRequest) -> tuple[Any, Any, Any, list[Any]]:
        """Refuse to delete authors here (the delete page and the "delete selected" action alike): their
        posts would change behind the moderation log's back. Members delete their own account in their
        settings, under the brand's deletion policy; moderators act on posts through moderation."""
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        for user in objs:
            written = user.posts.count()
            if written:
                protected = [*protected, _author_refusal(user, written)]
        return deleted, counts, perms_needed, protected


def _author_refusal(user: User, written: int) -> str:
    return ngettext(
        "%(user)s wrote %(n)s post: staff cannot delete this account. The member deletes it in their "
        "settings; moderators act on posts through the moderation pages.",
        "%(user)s wrote %(n)s posts: staff cannot delete this account. The member deletes it in their "
        "settings; moderators act on posts through the moderation pages.",
        written,
    ) % {"user": user.username, "n": written}


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["name", "user", "prefix", "created_at", "last_used_at"]
    readonly_fields = ["prefix", "key_hash", "last_used_at"]
    search_fields = ["user__username", "name"]

    def has_add_permission(self, request: object) -> bool:
        return False  # tokens are created in the user's settings, where the plain text is shown once
