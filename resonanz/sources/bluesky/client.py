"""Bluesky I/O with the atproto client (imported lazily: it is heavy).

Polling reads notifications (mentions, replies) and a post search, each resuming after the newest
``indexedAt`` seen. Answers are created as replies with parent and root references.
"""

from __future__ import annotations

from typing import Any

from resonanz.sources.bluesky.parse import mentions, post_to_incoming
from resonanz.sources.connectors import DeliveryError, PollResult, ReplyTarget
from resonanz.sources.incoming import IncomingError
from resonanz.sources.models import Channel

PAGE_LIMIT = 50


def _client(channel: Channel, secrets: dict[str, str]) -> Any:
    from atproto import Client

    client = Client(base_url=str(channel.config.get("service_url") or "https://bsky.social") + "/xrpc")
    client.login(str(channel.config.get("handle", "")), secrets.get("app_password", ""))
    return client


def _json(model: Any) -> dict[str, Any]:
    dumped: dict[str, Any] = model.model_dump(mode="json", by_alias=True, exclude_none=True)
    return dumped


def _newer(items: list[dict[str, Any]], since: str) -> list[dict[str, Any]]:
    return [item for item in items if not since or str(item.get("indexedAt", "")) > since]


def poll(channel: Channel, secrets: dict[str, str]) -> PollResult:
    client = _client(channel, secrets)
    state = dict(channel.state)
    found: list[dict[str, Any]] = []
    if channel.config.get("mentions", "yes") != "no":
        response = client.app.bsky.notification.list_notifications(params={"limit": PAGE_LIMIT})
        items = _newer(
            mentions([_json(n) for n in response.notifications]), state.get("notifications_seen", "")
        )
        found += items
        state["notifications_seen"] = max(
            [state.get("notifications_seen", "")] + [i["indexedAt"] for i in items]
        )
    query = str(channel.config.get("search", ""))
    if query:
        params = {"q": query, "limit": PAGE_LIMIT, "sort": "latest"}
        if state.get("search_seen"):
            params["since"] = state["search_seen"]
        response = client.app.bsky.feed.search_posts(params=params)
        items = _newer([_json(p) for p in response.posts], state.get("search_seen", ""))
        found += items
        state["search_seen"] = max([state.get("search_seen", "")] + [i["indexedAt"] for i in items])
    result = PollResult(state=state)
    own = str(channel.config.get("handle", ""))
    for item in found:
        try:
            result.posts.append(post_to_incoming(item, own_handle=own))
        except IncomingError as exc:
            result.rejected.append((exc.where, exc.reason))
    return result


def send_reply(channel: Channel, secrets: dict[str, str], target: ReplyTarget, text: str) -> str:
    from atproto import models
    from atproto_client.exceptions import BadRequestError, UnauthorizedError

    client = _client(channel, secrets)
    if not target.in_reply_to.startswith("at://"):
        raise DeliveryError("nothing to answer: the conversation has no Bluesky post", permanent=True)
    try:
        parent = client.get_posts([target.in_reply_to]).posts
        if not parent:
            raise DeliveryError("the post to answer was deleted", permanent=True)
        parent_ref = models.create_strong_ref(parent[0])
        root = getattr(parent[0].record, "reply", None)
        root_ref = root.root if root is not None else parent_ref
        created = client.send_post(
            text=text, reply_to=models.AppBskyFeedPost.ReplyRef(parent=parent_ref, root=root_ref)
        )
    except (BadRequestError, UnauthorizedError) as exc:
        raise DeliveryError(f"Bluesky refused the answer: {exc}", permanent=True) from exc
    return str(created.uri)
