"""Blog writes: the brand team drafts and publishes; members comment in the article's thread."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from resonanz.accounts.models import Brand, Role
from resonanz.accounts.permissions import AnyUser, check_authenticated, check_role
from resonanz.blog.models import Article
from resonanz.community.models import Category, Post, Thread, Visibility
from resonanz.community.services import clean_body, clean_title, create_reply, render_body
from resonanz.core.errors import InvalidInput, NotAllowed

BLOG_CATEGORY_SLUG = "blog"


def _unique_slug(brand: Brand, title: str) -> str:
    base = slugify(title)[:180] or "artikel"
    slug, n = base, 2
    while Article.objects.filter(brand=brand, slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


@transaction.atomic
def create_article(
    brand: Brand, *, title: str, body: str, summary: str = "", by: AnyUser, publish: bool = False
) -> Article:
    check_role(by, brand, Role.AGENT)
    title, body = clean_title(title), clean_body(body)
    if len(summary) > 400:
        raise InvalidInput({"summary": _("The summary is too long (at most 400 characters).")})
    article = Article.objects.create(
        brand=brand, title=title, slug=_unique_slug(brand, title), summary=summary.strip(),
        body=body, body_html=render_body(body), author=check_authenticated(by),
    )  # fmt: skip
    if publish:
        article = publish_article(article, by=by)  # returns the reloaded, published row
    return article


@transaction.atomic
def update_article(article: Article, *, title: str, body: str, summary: str = "", by: AnyUser) -> Article:
    check_role(by, article.brand, Role.AGENT)
    article.title, article.body = clean_title(title), clean_body(body)
    article.summary = summary.strip()[:400]
    article.body_html = render_body(article.body)
    article.save()
    if article.discussion_id:
        Thread.objects.filter(pk=article.discussion_id).update(title=article.title)
    return article


def _blog_category(brand: Brand) -> Category:
    category, _created = Category.objects.get_or_create(
        brand=brand, slug=BLOG_CATEGORY_SLUG,
        defaults={"name": "Blog", "kind": Category.Kind.BLOG, "position": 1000},
    )  # fmt: skip
    return category


@transaction.atomic
def publish_article(article: Article, *, by: AnyUser) -> Article:
    check_role(by, article.brand, Role.AGENT)
    article = Article.objects.select_for_update().get(pk=article.pk)
    if article.status == Article.Status.PUBLISHED:
        return article
    now = timezone.now()
    if article.discussion_id is None:
        article.discussion = Thread.objects.create(
            brand=article.brand, category=_blog_category(article.brand), title=article.title,
            author=article.author, last_post_at=now,
        )  # fmt: skip
    article.status, article.published_at = Article.Status.PUBLISHED, now
    article.save(update_fields=["status", "published_at", "discussion", "updated_at"])
    return article


@transaction.atomic
def unpublish_article(article: Article, *, by: AnyUser) -> Article:
    check_role(by, article.brand, Role.AGENT)
    article = Article.objects.select_for_update().get(pk=article.pk)
    # Unpublishing takes the comments out of sight with the article, without a decision, a statement of
    # reasons or a log entry: a side door around moderation. Comments are moderated one by one first.
    comments = Post.objects.filter(thread__article=article, visibility=Visibility.VISIBLE)
    if comments.exists():
        raise NotAllowed(
            _(
                "This article has visible comments; unpublishing would hide them without a moderation "
                "decision. The article stays published (you can still edit it); moderators decide about "
                "the comments one by one."
            )
        )
    article.status = Article.Status.DRAFT
    article.save(update_fields=["status", "updated_at"])
    return article


def comment_on_article(article: Article, *, body: str, by: AnyUser) -> Post:
    if article.status != Article.Status.PUBLISHED or article.discussion is None:
        raise NotAllowed(_("Comments open when the article is published."))
    return create_reply(article.discussion, body=body, by=by)
