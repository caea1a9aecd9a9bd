"""Mastodon I/O: poll mentions (notifications) and a hashtag since the last seen ids; post replies.

Rate limits: Mastodon.py throws instead of sleeping (a worker must not block); the reset time from
the X-RateLimit-* headers postpones the channel's next poll.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from typing import Any

from resonanz.sources.connectors import DeliveryError, PollResult, ReplyTarget
from resonanz.sources.mastodon.parse import mention_statuses, status_to_post
from resonanz.sources.models import Channel

PAGE_LIMIT = 40  # the most Mastodon returns per page
# A poll reads at most this many pages (4,000 posts); the next poll continues from the cursor.
MAX_PAGES = 100
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


def _catch_up(fetch: Callable[..., list[Any]], since: str | None, key: Callable[[Any], str]) -> Iterator[Any]:
    """Pages after ``since``, oldest page first, until caught up.

    Mastodon answers ``min_id`` with the page *just after* that id (newest first within the page), while
    ``since_id`` returns the newest page and silently skips whatever lies between: a surge of mentions
    larger than one page would be lost. The caller moves its cursor after each page it kept.
    """
    cursor = since
    for _page in range(MAX_PAGES):
        page = list(fetch(min_id=cursor, limit=PAGE_LIMIT))
        if not page:
            return
        yield from sorted(page, key=lambda item: int(key(item)))
        if cursor is None:
            return  # the first poll of a channel starts at the newest page, not at the beginning of time
        cursor = max((key(item) for item in page), key=int)


def poll(channel: Channel, secrets: dict[str, str]) -> PollResult:
    from mastodon import MastodonRatelimitError

    api = _api(channel, secrets)
    state = dict(channel.state)
    result = PollResult(state=state)
    own = str(channel.config.get("account", ""))
    try:
        if channel.config.get("mentions", "yes") != "no":

            def mentions(**page: Any) -> list[Any]:
                return list(api.notifications(types=["mention"], **page))

            for notification in _catch_up(mentions, state.get("mentions_since"), lambda n: str(n["id"])):
                for status in mention_statuses([notification]):
                    _read(result, status, own)
                state["mentions_since"] = _newer(state.get("mentions_since"), str(notification["id"]))
        tag = str(channel.config.get("hashtag", "")).lstrip("#")
        if tag:

            def tagged(**page: Any) -> list[Any]:
                return list(api.timeline_hashtag(tag, **page))

            for status in _catch_up(tagged, state.get("hashtag_since"), lambda s: str(s["id"])):
                _read(result, status, own)
                state["hashtag_since"] = _newer(state.get("hashtag_since"), str(status["id"]))
    except MastodonRatelimitError:
        # Keep what was fetched before the limit; the cursors moved only past what was kept.
        result.retry_after = _retry_after(api) or 300
        return result
    result.retry_after = _retry_after(api)
    return result


def _newer(current: str | None, candidate: str) -> str:
    return candidate if current is None or int(candidate) > int(current) else current


def _read(result: PollResult, status: Any, own: str) -> None:
    raw = json.dumps(status, ensure_ascii=False, default=str).encode()
    ref = f"status {status.get('id')}"
    result.read(raw, where=ref, parse=lambda: status_to_post(status, own_account=own))


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
