"""Mastodon I/O: poll mentions (notifications) and a hashtag since the last seen ids; post replies.

Rate limits: Mastodon.py throws instead of sleeping (a worker must not block); the reset time from
the X-RateLimit-* headers postpones the channel's next poll.
"""

from __future__ import annotations

import time
from typing import Any

from resonanz.sources.connectors import DeliveryError, PollResult, ReplyTarget
from resonanz.sources.incoming import IncomingError
from resonanz.sources.mastodon.parse import mention_statuses, status_to_post
from resonanz.sources.models import Channel

PAGE_LIMIT = 40
LOW_REMAINING = 5


def _api(channel: Channel, secrets: dict[str, str]) -> Any:
    from mastodon import Mastodon

    return Mastodon(
        access_token=secrets.get("access_token"),
        api_base_url=str(channel.config.get("instance_url", "")),
        ratelimit_method="throw",
        request_timeout=20,
        version_check_mode="none",
    )


def _retry_after(api: Any) -> int | None:
    remaining, reset = getattr(api, "ratelimit_remaining", None), getattr(api, "ratelimit_reset", None)
    if remaining is not None and reset and remaining <= LOW_REMAINING:
        return max(1, int(reset - time.time()))
    return None


def poll(channel: Channel, secrets: dict[str, str]) -> PollResult:
    from mastodon import MastodonRatelimitError

    api = _api(channel, secrets)
    state = dict(channel.state)
    own = str(channel.config.get("account", ""))
    statuses: list[Any] = []
    try:
        if channel.config.get("mentions", "yes") != "no":
            found = api.notifications(
                types=["mention"], since_id=state.get("mentions_since"), limit=PAGE_LIMIT
            )
            if found:
                state["mentions_since"] = str(max((n["id"] for n in found), key=int))
            statuses += mention_statuses(found)
        tag = str(channel.config.get("hashtag", "")).lstrip("#")
        if tag:
            found = api.timeline_hashtag(tag, since_id=state.get("hashtag_since"), limit=PAGE_LIMIT)
            if found:
                state["hashtag_since"] = str(max((s["id"] for s in found), key=int))
            statuses += list(found)
    except MastodonRatelimitError:
        # Keep what was fetched before the limit; the cursors moved only for those pages.
        return _result(statuses, own, state, retry_after=_retry_after(api) or 300)
    return _result(statuses, own, state, retry_after=_retry_after(api))


def _result(statuses: list[Any], own: str, state: dict[str, Any], *, retry_after: int | None) -> PollResult:
    result = PollResult(state=state, retry_after=retry_after)
    for status in statuses:
        try:
            result.posts.append(status_to_post(status, own_account=own))
        except IncomingError as exc:
            result.rejected.append((exc.where, exc.reason))
    return result


def send_reply(channel: Channel, secrets: dict[str, str], target: ReplyTarget, text: str) -> str:
    from mastodon import MastodonNotFoundError, MastodonRatelimitError, MastodonUnauthorizedError

    api = _api(channel, secrets)
    reply_to = target.in_reply_to.removeprefix("status:") or None
    body = (
        text
        if not target.author_handle or f"@{target.author_handle}" in text
        else f"@{target.author_handle} {text}"
    )
    try:
        posted = api.status_post(body, in_reply_to_id=reply_to, visibility="public")
    except (MastodonNotFoundError, MastodonUnauthorizedError) as exc:
        raise DeliveryError(f"Mastodon refused the answer: {exc}", permanent=True) from exc
    except MastodonRatelimitError as exc:
        raise DeliveryError("Mastodon rate limit reached", retry_after=_retry_after(api) or 300) from exc
    return f"status:{posted['id']}"
