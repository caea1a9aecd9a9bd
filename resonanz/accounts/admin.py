"""Django admin for brands, users and their roles per brand."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import AdminPasswordChangeForm
from django.db import transaction

from resonanz.accounts.models import ApiToken, Brand, Membership, User


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 1
    autocomplete_fields = ["user"]


@admin.register(Brand)
class BrandAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "timezone", "deletion_policy", "is_active"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [MembershipInline]


class UserMembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    fk_name = "user"
    autocomplete_fields = ["brand"]


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


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "brand", "role", "created_at"]
    list_filter = ["role", "brand"]
    search_fields = ["user__username", "user__email", "brand__name"]
    autocomplete_fields = ["user", "brand"]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["name", "user", "prefix", "created_at", "last_used_at"]
    readonly_fields = ["prefix", "key_hash", "last_used_at"]
    search_fields = ["user__username", "name"]

    def has_add_permission(self, request: object) -> bool:
        return False  # tokens are created in the user's settings, where the plain text is shown once
