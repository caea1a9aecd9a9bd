"""Admin for blog articles: a read-mostly view. Publishing goes through ``publish_article`` (which opens
the discussion thread) and deleting would orphan the comments, so neither is possible here."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from resonanz.blog.models import Article


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ["title", "brand", "status", "published_at", "author"]
    list_filter = ["brand", "status"]
    search_fields = ["title", "body"]
    readonly_fields = ["status", "published_at", "body", "body_html", "discussion"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # articles are written on the brand's blog pages, where the services render them

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
