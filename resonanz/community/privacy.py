"""GDPR: a member downloads their data and deletes their account.

On deletion each brand's policy decides whether the member's posts stay anonymised (author removed,
text kept so threads still make sense) or are removed (text replaced by a tombstone).
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from resonanz.accounts.models import Brand, User
from resonanz.community.models import Post, Reaction, Thread, Visibility
from resonanz.community.services import sync_thread_visibility
from resonanz.inbox.services.privacy import forget_member
from resonanz.privacy.export import export_person

REMOVED_TEXT = "[gelöscht / deleted]"


def export_user_data(user: User) -> dict[str, Any]:
    """The complete export (``records``: every model about the person, see privacy/export.py) with the
    forum sections first, readable without knowing the model names."""
    posts = Post.objects.filter(author=user).select_related("brand", "thread").order_by("created_at")
    return export_person(user) | {
        "memberships": [
            {"brand": m.brand.slug, "role": m.role, "since": m.created_at.isoformat()}
            for m in user.memberships.select_related("brand")
        ],
        "posts": [
            {
                "brand": p.brand.slug,
                "thread": p.thread.title,
                "thread_id": p.thread_id,
                "created_at": p.created_at.isoformat(),
                "edited_at": p.edited_at.isoformat() if p.edited_at else None,
                "text": p.body,
                "visibility": p.visibility,
            }
            for p in posts
        ],
        "reactions": [
            {"post_id": r.post_id, "kind": r.kind, "created_at": r.created_at.isoformat()}
            for r in Reaction.objects.filter(user=user).order_by("created_at")
        ],
    }


@transaction.atomic
def delete_account(user: User) -> None:
    """Delete the account; posts and their inbox copies follow each brand's deletion policy, nothing else
    breaks."""
    remove_in = Brand.objects.filter(
        posts__author=user, deletion_policy=Brand.DeletionPolicy.REMOVE
    ).distinct()
    removed = Post.objects.filter(author=user, brand__in=remove_in)
    forget_member(
        user,
        post_ids=list(Post.objects.filter(author=user).values_list("pk", flat=True)),
        removed_post_ids=list(removed.values_list("pk", flat=True)),
        text=REMOVED_TEXT,
    )
    # DELETED, not REMOVED: the author withdrew the text (their right), no moderator decided, and the
    # state itself says so to anyone explaining why a post is not visible.
    threads = set(removed.values_list("thread_id", flat=True))
    removed.update(body=REMOVED_TEXT, body_html=f"<p>{REMOVED_TEXT}</p>", visibility=Visibility.DELETED)
    for thread_id in threads:  # replies by others keep their thread reachable
        sync_thread_visibility(thread_id)
    Post.objects.filter(author=user).update(author=None)
    Thread.objects.filter(author=user).update(author=None)
    Reaction.objects.filter(user=user).delete()  # counters stay: they are anonymous totals
    user.api_tokens.all().delete()
    user.memberships.all().delete()
    user.delete()
