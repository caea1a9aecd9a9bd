"""Admin for forum structure. Posts are read-only here: content changes go through the services
(and, for moderation, through the moderation log), never behind their back."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from resonanz.community.models import Category, Post, Thread


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    """Names and order are editable. An existing category keeps its brand and kind: turning a forum
    category into a blog one (or moving it to another brand) would take its threads out of the forum
    without a decision. Deleting a category with threads is refused by the database (PROTECT)."""

    list_display = ["name", "brand", "slug", "kind", "position"]
    list_filter = ["brand", "kind"]
    prepopulated_fields = {"slug": ["name"]}

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return ["brand", "kind"] if obj is not None else []

    def get_prepopulated_fields(self, request: HttpRequest, obj: Any = None) -> dict[str, Any]:
        return {} if obj is not None else dict(self.prepopulated_fields)


class ReadOnlyContentAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Thread)
class ThreadAdmin(ReadOnlyContentAdmin):
    list_display = ["title", "brand", "category", "reply_count", "is_locked", "is_pinned", "last_post_at"]
    list_filter = ["brand", "is_locked", "is_pinned", "visibility"]
    search_fields = ["title"]
    fields = ["title", "brand", "category", "author", "is_locked", "is_pinned", "visibility", "reply_count"]
    # Locking and hiding are moderation decisions (rule, explanation, freeze, public log): made on the
    # thread's moderation page, never here. Pinning changes no one's reach and stays editable.
    readonly_fields = ["title", "brand", "category", "author", "is_locked", "visibility", "reply_count"]


@admin.register(Post)
class PostAdmin(ReadOnlyContentAdmin):
    list_display = ["id", "brand", "thread", "author", "visibility", "created_at"]
    list_filter = ["brand", "visibility"]
    search_fields = ["body"]
    readonly_fields = [f.name for f in Post._meta.fields]

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return request.method in ("GET", "HEAD")
