"""Blog reads: visitors see published articles, the team sees drafts too."""

from __future__ import annotations

from django.db.models import QuerySet

from resonanz.accounts.models import Brand, Role
from resonanz.accounts.permissions import AnyUser, has_role
from resonanz.blog.models import Article
from resonanz.core.errors import NotFound


def list_articles(brand: Brand, *, viewer: AnyUser | None = None) -> QuerySet[Article]:
    articles = Article.objects.filter(brand=brand).select_related("author", "discussion")
    if not has_role(viewer, brand, Role.AGENT):
        articles = articles.filter(status=Article.Status.PUBLISHED)
    return articles


def get_article(brand: Brand, slug: str, *, viewer: AnyUser | None = None) -> Article:
    article = list_articles(brand, viewer=viewer).filter(slug=slug).first()
    if article is None:
        raise NotFound(f"unknown article {slug!r}")
    return article
