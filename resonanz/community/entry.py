"""What happens when a community post has entered: it is classified and its labels stored.

The inbox pipeline hooks in here as well, so that every community post lands in the unified inbox.
"""

from __future__ import annotations

import logging

from resonanz.community.models import Post

log = logging.getLogger(__name__)


def handle_entered_post(post: Post, *, edited: bool = False) -> None:
    from resonanz.classify.services import classify_post

    result = classify_post(post.body, brand_slug=post.brand.slug)
    labels = result.to_dict()
    Post.objects.filter(pk=post.pk).update(labels=labels, model_version=labels.get("model_version", ""))
    from resonanz.sources.community import ingest_post  # the inbox pipeline, reusing these labels

    ingest_post(post, labels=labels, edited=edited)
