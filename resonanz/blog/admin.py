from django.contrib import admin

from resonanz.blog.models import Article


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ["title", "brand", "status", "published_at", "author"]
    list_filter = ["brand", "status"]
    search_fields = ["title", "body"]
    readonly_fields = ["body_html", "discussion"]
