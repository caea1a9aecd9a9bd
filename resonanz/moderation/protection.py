"""Which posts the criticism guard protects: the one answer every path to invisibility asks.

Fail closed: a post is protected (a silencing action needs a second person) unless the classifier is
*confident* that it is abuse. Unclassified and uncertain posts are protected.
"""

from __future__ import annotations

from resonanz.community.models import Post
from resonanz.moderation import selectors


def is_protected(post: Post) -> bool:
    """True when silencing this post needs the four-eyes guard."""
    return selectors.is_criticism(post)
