"""Blog endpoints of the REST API: articles (the team drafts and publishes) and their comments.

Comments are posts in the article's discussion thread, so they come out as the forum's ``PostOut`` and are
edited and reacted to through the post endpoints.
"""

from datetime import datetime
from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Field, Path, Router, Schema
from ninja.pagination import paginate
from ninja.responses import Status

from resonanz.accounts.selectors import get_brand
from resonanz.api import optional_auth
from resonanz.blog import selectors, services
from resonanz.blog.models import Article
from resonanz.community.api import (
    NOT_FOUND,
    SLUG_PATTERN,
    WRITE_ERRORS,
    BrandSlug,
    Pages,
    PostIn,
    PostOut,
    Text,
    author_handle,
    viewer_of,
)
from resonanz.community.selectors import list_thread_posts
from resonanz.core.ratelimit import check_rate, client_key

router = Router(tags=["blog"])

ArticleSlug = Annotated[str, Path(pattern=SLUG_PATTERN, max_length=200)]


class ArticleOut(Schema):
    slug: str
    title: str
    summary: str
    author: str | None
    status: str
    created_at: datetime
    updated_at: datetime
    published_at: datetime | None
    comment_count: int

    @staticmethod
    def resolve_author(obj: Article) -> str | None:
        return author_handle(obj.author)

    @staticmethod
    def resolve_comment_count(obj: Article) -> int:
        return obj.discussion.reply_count if obj.discussion else 0


class ArticleDetailOut(ArticleOut):
    body: str
    body_html: str
    discussion_id: int | None


class ArticleIn(Schema):
    title: Annotated[Text, Field(max_length=200)]
    body: Annotated[Text, Field(description="Markdown; the server's limit is MAX_POST_CHARS characters")]
    summary: Annotated[Text, Field(max_length=400)] = ""
    publish: bool = Field(False, description="Publish right away (opens the comments)")


class ArticlePatch(Schema):
    """Fields left out keep their value."""

    title: Annotated[Text, Field(max_length=200)] | None = None
    body: Text | None = None
    summary: Annotated[Text, Field(max_length=400)] | None = None


@router.get(
    "/brands/{brand_slug}/articles", response={200: list[ArticleOut], **NOT_FOUND}, auth=optional_auth
)
@paginate(Pages)
def articles(request: HttpRequest, brand_slug: BrandSlug) -> Any:
    """Published articles, newest first; the brand team sees drafts too."""
    return selectors.list_articles(get_brand(brand_slug), viewer=viewer_of(request))


@router.get(
    "/brands/{brand_slug}/articles/{article_slug}",
    response={200: ArticleDetailOut, **NOT_FOUND},
    auth=optional_auth,
)
def article_detail(request: HttpRequest, brand_slug: BrandSlug, article_slug: ArticleSlug) -> Any:
    return selectors.get_article(get_brand(brand_slug), article_slug, viewer=viewer_of(request))


@router.post("/brands/{brand_slug}/articles", response={201: ArticleDetailOut, **WRITE_ERRORS})
def create_article(request: HttpRequest, brand_slug: BrandSlug, payload: ArticleIn) -> Any:
    """Draft an article (agents and up), and publish it at once with ``publish: true``."""
    article = services.create_article(
        get_brand(brand_slug), title=payload.title, body=payload.body, summary=payload.summary,
        publish=payload.publish, by=viewer_of(request),
    )  # fmt: skip
    return Status(201, article)


@router.patch(
    "/brands/{brand_slug}/articles/{article_slug}", response={200: ArticleDetailOut, **WRITE_ERRORS}
)
def update_article(
    request: HttpRequest, brand_slug: BrandSlug, article_slug: ArticleSlug, payload: ArticlePatch
) -> Any:
    viewer = viewer_of(request)
    article = selectors.get_article(get_brand(brand_slug), article_slug, viewer=viewer)
    return services.update_article(
        article, title=article.title if payload.title is None else payload.title,
        body=article.body if payload.body is None else payload.body,
        summary=article.summary if payload.summary is None else payload.summary, by=viewer,
    )  # fmt: skip


@router.post(
    "/brands/{brand_slug}/articles/{article_slug}/publish", response={200: ArticleDetailOut, **WRITE_ERRORS}
)
def publish_article(request: HttpRequest, brand_slug: BrandSlug, article_slug: ArticleSlug) -> Any:
    """Publish a draft and open its comments (publishing twice changes nothing)."""
    viewer = viewer_of(request)
    article = selectors.get_article(get_brand(brand_slug), article_slug, viewer=viewer)
    return services.publish_article(article, by=viewer)


@router.get(
    "/brands/{brand_slug}/articles/{article_slug}/comments",
    response={200: list[PostOut], **NOT_FOUND},
    auth=optional_auth,
)
@paginate(Pages)
def comments(request: HttpRequest, brand_slug: BrandSlug, article_slug: ArticleSlug) -> Any:
    viewer = viewer_of(request)
    article = selectors.get_article(get_brand(brand_slug), article_slug, viewer=viewer)
    if article.discussion is None:  # a draft that was never published has no discussion yet
        return []
    return list_thread_posts(article.discussion, viewer=viewer)


@router.post("/brands/{brand_slug}/articles/{article_slug}/comments", response={201: PostOut, **WRITE_ERRORS})
def comment(request: HttpRequest, brand_slug: BrandSlug, article_slug: ArticleSlug, payload: PostIn) -> Any:
    viewer = viewer_of(request)
    article = selectors.get_article(get_brand(brand_slug), article_slug, viewer=viewer)
    check_rate("post", client_key(request))
    return Status(201, services.comment_on_article(article, body=payload.body, by=viewer))
