"""The automatic community channel: forum and blog posts of the brand enter the inbox like any source.

External ids are ``post:<id>``, conversations are keyed ``thread:<id>``. A post by the brand team
(agent or higher) is the brand's answer, i.e. an outgoing message, not a new customer message.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.urls import reverse

from resonanz.accounts.models import Role
from resonanz.accounts.permissions import has_role
from resonanz.sources.connectors import DeliveryError
from resonanz.sources.incoming import make_post
from resonanz.sources.models import Channel
from resonanz.sources.services import get_community_channel

if TYPE_CHECKING:
    from resonanz.community.models import Post
    from resonanz.inbox.models import Message


def external_id(post: Post) -> str:
    return f"post:{post.pk}"


def post_id_of(external: str | None) -> int | None:
    """The community post id of a message's external id (``post:<id>``), else None."""
    prefix, _sep, value = (external or "").partition(":")
    return int(value) if prefix == "post" and value.isdigit() else None


def to_incoming(post: Post) -> Any:
    # reverse(): the worker loaded the URLconf before its first job (core/worker.py), so no task pays
    # for importing every view module here.
    author = post.author
    return make_post(
        where=f"community post {post.pk}",
        external_id=external_id(post),
        text=post.body,
        created_at=post.created_at,
        author_handle=author.username if author else "",
        author_name=author.public_name if author else "",
        thread_key=f"thread:{post.thread_id}",
        title=post.thread.title,
        # Relative: the post's permalink finds its page in the forum (or the article it comments on).
        url=reverse("community:post", args=[post.brand.slug, post.pk]),
        from_brand=bool(author and has_role(author, post.brand, Role.AGENT)),
        extra={"user_id": str(author.pk)} if author else {},
    )


def ingest_post(post: Post, *, labels: dict[str, Any] | None = None, edited: bool = False) -> Message | None:
    """Run the pipeline for one community post, synchronously; a second call changes nothing.

    ``labels`` lets the caller pass a classification it already has; an edit updates the stored text.
    """
    from resonanz.inbox.models import Message
    from resonanz.inbox.pipeline import ingest_now

    channel = get_community_channel(post.brand)
    if edited:
        Message.objects.filter(channel=channel, external_id=external_id(post)).update(
            text=post.body, **({"labels": labels} if labels is not None else {})
        )
    return ingest_now(channel, to_incoming(post), labels=labels)


def ingest_posts(posts: list[Post], *, labels: dict[int, dict[str, Any]], edited: set[int]) -> None:
    """Run the pipeline for many community posts at once (the drain of the community outbox).

    ``labels``: each post's classification by post id, stored as is; ``edited``: ids of posts whose
    stored message takes the new text. Idempotent: posts already in the inbox change nothing else.
    """
    from resonanz.inbox.models import InboundItem, Message
    from resonanz.inbox.pipeline import process_batch
    from resonanz.inbox.staging import stage_batch

    by_brand: dict[int, list[Post]] = {}
    for post in posts:
        by_brand.setdefault(post.brand_id, []).append(post)
    for group in by_brand.values():
        channel = get_community_channel(group[0].brand)
        for post in group:
            if post.pk in edited:
                Message.objects.filter(channel=channel, external_id=external_id(post)).update(
                    text=post.body, labels=labels[post.pk]
                )
        by_external = {external_id(post): labels[post.pk] for post in group}
        stage_batch(channel, [to_incoming(post) for post in group], enqueue=False)
        item_ids = list(
            InboundItem.objects.filter(
                channel=channel, external_id__in=list(by_external), state=InboundItem.State.PENDING
            ).values_list("pk", flat=True)
        )
        if item_ids:

            def labeller(items: list[Any], known: dict[str, dict[str, Any]] = by_external) -> list[dict]:
                return [known[item.external_id] for item in items]

            process_batch(batch_size=len(item_ids), ids=item_ids, labeller=labeller)


@transaction.atomic
def write_reply(channel: Channel, *, thread_key: str, text: str, by: Any) -> str:
    """Publish an inbox answer as the agent's forum reply; returns the new post's external id.

    Synchronous (unlike network replies): the caller records the id on the outgoing message in the
    same transaction, so the post's own "entered" event later finds it and deduplicates.
    """
    from resonanz.community.models import Thread
    from resonanz.community.services import create_reply

    if not thread_key.startswith("thread:"):
        raise DeliveryError(f"not a community thread: {thread_key}", permanent=True)
    thread = Thread.objects.get(pk=int(thread_key.split(":", 1)[1]), brand_id=channel.brand_id)
    return external_id(create_reply(thread, body=text, by=by))
