"""Template helpers of the forum: reaction state, edit permission and the links to a post."""

from __future__ import annotations

from django import template
from django.urls import reverse

from resonanz.accounts.permissions import AnyUser
from resonanz.community.models import Post, Thread
from resonanz.community.selectors import thread_page_of
from resonanz.community.services import can_edit_post

register = template.Library()


@register.filter
def reacted(post: Post, kind: str) -> bool:
    """Whether the viewer has reacted with ``kind``; needs ``own_reactions`` from list_thread_posts."""
    return any(reaction.kind == kind for reaction in getattr(post, "own_reactions", ()))


@register.filter
def editable_by(post: Post, user: AnyUser) -> bool:
    return can_edit_post(post, user)


def thread_url(thread: Thread, *, brand_slug: str) -> str:
    """A forum thread's page, or the blog article whose comments the thread holds."""
    # A missing reverse one-to-one raises RelatedObjectDoesNotExist, an AttributeError: getattr's default.
    article = getattr(thread, "article", None)
    if article is not None:
        return reverse("blog:article", args=[brand_slug, article.slug])
    return reverse("community:thread", args=[brand_slug, thread.pk])


# Long threads are paged; a post's page depends on who looks (moderators see hidden posts too).
POSTS_PER_PAGE = 50


def post_url(post: Post, *, brand_slug: str) -> str:
    """A stable link to ``post``: the forum permalink, which finds the post's page when followed, or the
    blog article whose comment it is (comments are not paged)."""
    if getattr(post.thread, "article", None) is not None:
        return f"{thread_url(post.thread, brand_slug=brand_slug)}#post-{post.pk}"
    return reverse("community:post", args=[brand_slug, post.pk])


def post_location(post: Post, *, brand_slug: str, viewer: AnyUser | None) -> str:
    """Where ``viewer`` sees ``post`` right now: its thread page (with ``?page=`` beyond the first) and
    anchor. For redirects, where a second hop through the permalink would be a waste."""
    url = thread_url(post.thread, brand_slug=brand_slug)
    if getattr(post.thread, "article", None) is None:
        page = thread_page_of(post, per_page=POSTS_PER_PAGE, viewer=viewer)
        url += f"?page={page}" if page > 1 else ""
    return f"{url}#post-{post.pk}"


@register.simple_tag(takes_context=True, name="post_url")
def post_url_tag(context: template.Context, post: Post) -> str:
    """``{% post_url post %}`` on a brand page: where ``post`` is shown."""
    return post_url(post, brand_slug=context["brand"].slug)
