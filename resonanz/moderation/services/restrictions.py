"""Restricting an author silences every post they would write: the guard looks at the author, not only
at the post the restriction is hung on."""

from __future__ import annotations

from datetime import timedelta

from resonanz.community.models import Post
from resonanz.moderation import clock
from resonanz.moderation.protection import is_protected

# How far back the author's protected posts put a restriction under the four-eyes guard.
PROTECTED_AUTHOR_WINDOW = timedelta(days=90)


def wrote_protected_posts(post: Post) -> bool:
    """True when the author of ``post`` wrote a protected post in its brand in the last 90 days.

    Newest first and stopping at the first protected post: under the fail-closed guard that is almost
    always the first one looked at."""
    if post.author_id is None:
        return False
    since = clock.now() - PROTECTED_AUTHOR_WINDOW
    recent = Post.objects.filter(brand_id=post.brand_id, author_id=post.author_id, created_at__gte=since)
    return any(is_protected(written) for written in recent.order_by("-created_at", "-id").iterator())
