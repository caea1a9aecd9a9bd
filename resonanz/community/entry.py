"""What happens when a community post has entered, in this order (explicit calls, no signals):

1. it is classified and its labels stored on the post (with the model version);
2. it enters the unified inbox through the one ingestion pipeline, reusing those labels;
3. moderation screens it: above the brand's abuse threshold it is hidden pending human review.
"""

from __future__ import annotations

import logging

from resonanz.community.models import Post

log = logging.getLogger(__name__)


def handle_entered_post(post: Post, *, edited: bool = False) -> None:
    from resonanz.classify.services import classify_post
    from resonanz.moderation.services import screen_post
    from resonanz.sources.community import ingest_post

    labels = classify_post(post.body, brand_slug=post.brand.slug).to_dict()
    Post.objects.filter(pk=post.pk).update(labels=labels, model_version=labels.get("model_version", ""))
    ingest_post(post, labels=labels, edited=edited)
    screen_post(post)
