"""Reads in the forum, always scoped to one brand and to what the viewer may see."""

from __future__ import annotations

from django.db.models import Count, Prefetch, Q, QuerySet

from resonanz.accounts.models import Brand, Role
from resonanz.accounts.permissions import AnyUser, has_role
from resonanz.community.models import Category, Post, Reaction, Thread, Visibility
from resonanz.core.errors import NotFound


def list_categories(brand: Brand) -> QuerySet[Category]:
    return Category.objects.filter(brand=brand, kind=Category.Kind.FORUM)


def list_categories_with_counts(brand: Brand, *, viewer: AnyUser | None = None) -> QuerySet[Category]:
    """Forum categories annotated with ``thread_count``: threads the viewer may see."""
    seen = None if has_role(viewer, brand, Role.MODERATOR) else Q(threads__visibility=Visibility.VISIBLE)
    return list_categories(brand).annotate(thread_count=Count("threads", filter=seen))


def get_category(brand: Brand, slug: str) -> Category:
    try:
        return Category.objects.get(brand=brand, slug=slug, kind=Category.Kind.FORUM)
    except Category.DoesNotExist as exc:
        raise NotFound(f"unknown category {slug!r}") from exc


def _visible_posts(brand: Brand, viewer: AnyUser | None) -> QuerySet[Post]:
    posts = Post.objects.filter(brand=brand)
    if not has_role(viewer, brand, Role.MODERATOR):
        posts = posts.filter(visibility=Visibility.VISIBLE)
    return posts


def list_threads(
    brand: Brand, *, category: Category | None = None, viewer: AnyUser | None = None
) -> QuerySet[Thread]:
    threads = Thread.objects.filter(brand=brand, category__kind=Category.Kind.FORUM)
    if category is not None:
        threads = threads.filter(category=category)
    if not has_role(viewer, brand, Role.MODERATOR):
        threads = threads.filter(visibility=Visibility.VISIBLE)
    return threads.select_related("author", "category").order_by("-is_pinned", "-last_post_at", "-id")


def get_thread(brand: Brand, thread_id: int, *, viewer: AnyUser | None = None) -> Thread:
    threads = Thread.objects.filter(brand=brand).select_related("category", "author")
    if not has_role(viewer, brand, Role.MODERATOR):
        threads = threads.filter(visibility=Visibility.VISIBLE)
    thread = threads.filter(pk=thread_id).first()
    if thread is None:
        raise NotFound(f"unknown thread {thread_id}")
    return thread


def _thread_posts(thread: Thread, viewer: AnyUser | None) -> QuerySet[Post]:
    """The thread's posts the viewer may see. By thread alone, not brand and thread: the thread already
    belongs to one brand, and with a brand condition SQLite may walk the brand's posts instead of the
    thread's (measured: 286 ms instead of 0.1 ms at a million posts)."""
    posts = Post.objects.filter(thread_id=thread.pk)
    if not has_role(viewer, thread.brand, Role.MODERATOR):
        posts = posts.filter(visibility=Visibility.VISIBLE)
    return posts


def list_thread_posts(thread: Thread, *, viewer: AnyUser | None = None) -> QuerySet[Post]:
    posts = _thread_posts(thread, viewer).select_related("author")
    if viewer is not None and viewer.is_authenticated:
        posts = posts.prefetch_related(
            Prefetch(
                "reactions", queryset=Reaction.objects.filter(user_id=viewer.pk), to_attr="own_reactions"
            )
        )
    return posts.order_by("created_at", "id")


def thread_page_of(post: Post, *, per_page: int, viewer: AnyUser | None = None) -> int:
    """The page of its thread (``per_page`` posts a page, oldest first) on which ``viewer`` sees ``post``."""
    earlier = Q(created_at__lt=post.created_at) | Q(created_at=post.created_at, pk__lt=post.pk)
    before = _thread_posts(post.thread, viewer).filter(earlier).count()
    return before // per_page + 1


def get_post(brand: Brand, post_id: int, *, viewer: AnyUser | None = None) -> Post:
    post = _visible_posts(brand, viewer).select_related("thread", "author").filter(pk=post_id).first()
    if post is None:
        raise NotFound(f"unknown post {post_id}")
    return post


def list_posts(brand: Brand, *, viewer: AnyUser | None = None) -> QuerySet[Post]:
    return _visible_posts(brand, viewer).select_related("thread", "author").order_by("-created_at", "-id")
