"""Writes in the forum: threads, replies, edits, reactions. Every saved post is staged to enter the inbox."""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from resonanz.accounts.models import Brand, Role, User
from resonanz.accounts.permissions import AnyUser, check_authenticated, check_role, has_role
from resonanz.accounts.selectors import list_existing_handles
from resonanz.accounts.services import join_brand
from resonanz.community.models import Category, Post, Reaction, Thread, Visibility
from resonanz.core.config import product_setting
from resonanz.core.errors import InvalidInput, NotAllowed
from resonanz.core.markdown import render_markdown


def render_body(body: str) -> str:
    def resolve(names: object) -> dict[str, str]:
        handles = list_existing_handles(names)  # type: ignore[arg-type]
        return {low: reverse("accounts:profile", args=[handle]) for low, handle in handles.items()}

    return render_markdown(body, resolve_mentions=resolve)


def clean_body(body: str) -> str:
    body = (body or "").strip()
    limit = product_setting("MAX_POST_CHARS")
    if not body:
        raise InvalidInput({"body": _("Please write something.")})
    if len(body) > limit:
        raise InvalidInput(
            {
                "body": _("The text is too long: %(n)s characters, at most %(limit)s.")
                % {"n": len(body), "limit": limit}
            }
        )
    return body


def clean_title(title: str) -> str:
    title = " ".join((title or "").split())
    limit = product_setting("MAX_TITLE_CHARS")
    if len(title) < 3:
        raise InvalidInput({"title": _("Please give the thread a title (at least 3 characters).")})
    if len(title) > limit:
        raise InvalidInput(
            {"title": _("The title is too long (at most %(limit)s characters).") % {"limit": limit}}
        )
    return title


def _enqueue_entered(post: Post, *, edited: bool = False) -> None:
    # The outbox row is written in this transaction: no lost job or Redis outage can keep the post
    # out of the inbox; the job enqueued after the commit only wakes the drain (community/entry.py).
    from resonanz.community.entry import stage_entered

    stage_entered(post, edited=edited)


def _ensure_participant(user: AnyUser, brand: Brand) -> User:
    member = check_authenticated(user)
    if not member.email_verified:
        raise NotAllowed(_("Please confirm your e-mail address first: open the link we sent you by e-mail."))
    _check_not_restricted(member, brand)
    join_brand(member, brand=brand)  # writing in a brand community makes you its member
    return member


def _check_not_restricted(user: User, brand: Brand) -> None:
    # Moderation owns restrictions (with their statements of reasons); imported here to keep the
    # dependency one-way at import time.
    from resonanz.moderation.permissions import check_can_write

    check_can_write(user, brand)


@transaction.atomic
def create_thread(brand: Brand, *, category: Category, title: str, body: str, by: AnyUser) -> Thread:
    if category.brand_id != brand.pk or category.kind != Category.Kind.FORUM:
        raise InvalidInput({"category": _("Unknown category.")})
    author = _ensure_participant(by, brand)
    title, body = clean_title(title), clean_body(body)
    now = timezone.now()
    thread = Thread.objects.create(
        brand=brand, category=category, title=title, author=author, last_post_at=now
    )
    post = Post.objects.create(
        brand=brand, thread=thread, author=author, body=body, body_html=render_body(body), is_opening=True
    )
    _enqueue_entered(post)
    return thread


@transaction.atomic
def create_reply(thread: Thread, *, body: str, by: AnyUser) -> Post:
    thread = (
        Thread.objects.select_for_update(of=("self",)).select_related("brand", "category").get(pk=thread.pk)
    )
    brand = thread.brand
    author = _ensure_participant(by, brand)
    if thread.visibility != Visibility.VISIBLE:
        raise NotAllowed(_("This thread is not open for replies."))
    if thread.is_locked and not has_role(author, brand, Role.MODERATOR):
        raise NotAllowed(_("This thread is locked."))
    if thread.category.kind == Category.Kind.BLOG:
        article = getattr(thread, "article", None)  # reverse one-to-one from blog.Article
        if article is None or article.status != "published":
            raise NotAllowed(_("Comments open when the article is published."))
    body = clean_body(body)
    post = Post.objects.create(
        brand=brand, thread=thread, author=author, body=body, body_html=render_body(body)
    )
    Thread.objects.filter(pk=thread.pk).update(reply_count=F("reply_count") + 1, last_post_at=post.created_at)
    _enqueue_entered(post)
    return post


def sync_thread_visibility(thread_id: int) -> None:
    """A forum thread is reachable while any of its posts is visible: hiding the opening post leaves the
    replies (and the statement-less criticism among them) readable under a placeholder. Only when no post
    is left does the thread disappear, so the thread's state never hides a post no decision hid.
    A blog discussion (no opening post) stays open: its article, not its comments, carries it."""
    posts = Post.objects.filter(thread_id=thread_id)
    opening = posts.filter(is_opening=True).values_list("visibility", flat=True).first()
    if opening is None:
        return
    visible = opening == Visibility.VISIBLE or posts.filter(visibility=Visibility.VISIBLE).exists()
    Thread.objects.filter(pk=thread_id).update(visibility=Visibility.VISIBLE if visible else opening)


def edit_window() -> timedelta:
    return timedelta(minutes=product_setting("EDIT_WINDOW_MINUTES"))


def can_edit_post(post: Post, user: AnyUser) -> bool:
    return (
        user.is_authenticated
        and post.author_id == user.pk
        and post.visibility == Visibility.VISIBLE
        and timezone.now() - post.created_at <= edit_window()
    )


def check_can_edit_post(post: Post, user: AnyUser) -> User:
    """Raise NotAllowed with the reason when ``user`` may not edit ``post`` (also for showing the form)."""
    editor = check_authenticated(user)
    if post.author_id != editor.pk:
        raise NotAllowed(_("You can only edit your own posts."))
    if post.visibility != Visibility.VISIBLE:
        # A moderated post is part of the moderation record; its author appeals instead of editing.
        raise NotAllowed(
            _("This post was moderated and can no longer be edited; appeal the decision instead.")
        )
    _check_not_restricted(editor, post.brand)
    if not can_edit_post(post, editor):
        raise NotAllowed(
            _("Posts can be edited for %(minutes)s minutes after writing.")
            % {"minutes": product_setting("EDIT_WINDOW_MINUTES")}
        )
    return editor


@transaction.atomic
def edit_post(post: Post, *, body: str, by: AnyUser, title: str | None = None) -> Post:
    """Authors edit their own post within the edit window; nobody edits other people's words."""
    post = Post.objects.select_for_update().select_related("thread", "brand").get(pk=post.pk)
    check_can_edit_post(post, by)
    post.body = clean_body(body)
    post.body_html = render_body(post.body)
    post.edited_at = timezone.now()
    post.save(update_fields=["body", "body_html", "edited_at", "updated_at"])
    if title is not None and post.is_opening:
        post.thread.title = clean_title(title)
        post.thread.save(update_fields=["title", "updated_at"])
    _enqueue_entered(post, edited=True)
    return post


@transaction.atomic
def toggle_reaction(post: Post, *, kind: str, by: AnyUser) -> bool:
    """Add the reaction, or take it back if present; returns whether it is now set."""
    user = check_authenticated(by)
    if kind not in Reaction.Kind.values:
        raise InvalidInput({"kind": _("Unknown reaction.")})
    if post.visibility != Visibility.VISIBLE:
        raise NotAllowed(_("This post is not visible."))
    counter = "like_count" if kind == Reaction.Kind.LIKE else "helpful_count"
    deleted, _details = Reaction.objects.filter(post=post, user=user, kind=kind).delete()
    if deleted:
        Post.objects.filter(pk=post.pk).update(**{counter: F(counter) - 1})
        return False
    Reaction.objects.create(post=post, user=user, kind=kind)
    Post.objects.filter(pk=post.pk).update(**{counter: F(counter) + 1})
    return True


@transaction.atomic
def create_category(brand: Brand, *, name: str, slug: str, description: str = "", by: AnyUser) -> Category:
    check_role(by, brand, Role.MANAGER)
    if Category.objects.filter(brand=brand, slug=slug).exists():
        raise InvalidInput({"slug": _("A category with this slug exists already.")})
    return Category.objects.create(brand=brand, name=name.strip(), slug=slug, description=description.strip())


def process_entered_post(post_id: int, *, edited: bool = False) -> None:
    """Classify, ingest and screen one saved post now (jobs queued before the outbox). Idempotent."""
    from resonanz.community.entry import handle_entered_post

    post = Post.objects.filter(pk=post_id).select_related("brand", "thread").first()
    if post is None:  # deleted before the worker got to it
        return
    handle_entered_post(post, edited=edited)
