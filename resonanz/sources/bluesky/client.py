"""Bluesky I/O with the atproto client (imported lazily: it is heavy).

Polling reads notifications (mentions, replies) and a post search, each resuming after the newest
``indexedAt`` seen. Answers are created as replies with parent and root references.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import partial
from typing import Any, TypeVar

from resonanz.sources.bluesky.parse import mentions, post_to_incoming
from resonanz.sources.connectors import DeliveryError, PollResult, ReplyTarget
from resonanz.sources.models import Channel
from resonanz.sources.services import store_connector_secrets

PAGE_LIMIT = 50
# Kept with the channel's encrypted credentials, never shown: the session and the server it belongs to.
SESSION_KEY = "session"
SESSION_SERVICE_KEY = "session_service"
T = TypeVar("T")


class _Session:
    """The logged-in atproto client of one channel, reusing the session stored with the channel.

    Bluesky allows 30 logins in 5 minutes and 300 a day per account; logging in on every poll (every
    minute) locks the account out. So the session (access + refresh token) is kept encrypted with the
    channel's credentials; atproto refreshes the access token with the refresh token when it is about
    to expire, and the app password is used only when there is no usable session.
    """

    def __init__(self, channel: Channel, secrets: dict[str, str]) -> None:
        from atproto import Client

        self.channel, self.secrets = channel, secrets
        self.service = str(channel.config.get("service_url") or "https://bsky.social")
        self.client = Client(base_url=self.service + "/xrpc")
        self.changed = False
        self.client.on_session_change(self._on_change)
        stored = secrets.get(SESSION_KEY, "")
        if stored and secrets.get(SESSION_SERVICE_KEY) == self.service:
            self.client.login(session_string=stored, fetch_bsky_profile=False)
        else:
            self.login()

    def _on_change(self, _event: Any, _session: Any) -> None:
        self.changed = True

    def login(self) -> None:
        self.client.login(
            str(self.channel.config.get("handle", "")),
            self.secrets.get("app_password", ""),
            fetch_bsky_profile=False,
        )

    def call(self, action: Callable[[Any], T]) -> T:
        """Run ``action(client)``; a stored session the server no longer accepts (revoked, refresh
        token expired) means one fresh login and one more try."""
        from atproto_client.exceptions import BadRequestError, LoginRequiredError, UnauthorizedError

        try:
            return action(self.client)
        except (BadRequestError, UnauthorizedError, LoginRequiredError) as exc:
            if not _expired(exc):
                raise
            self.login()
            return action(self.client)

    def save(self) -> None:
        """Keep the session for the next poll if it changed (a login or a refresh)."""
        if self.changed:
            store_connector_secrets(
                self.channel,
                {SESSION_KEY: self.client.export_session_string(), SESSION_SERVICE_KEY: self.service},
            )


def _expired(exc: Exception) -> bool:
    from atproto_client.exceptions import LoginRequiredError

    if isinstance(exc, LoginRequiredError):
        return True
    content = getattr(getattr(exc, "response", None), "content", None)
    error = str(getattr(content, "error", "") or "")
    return error in ("ExpiredToken", "InvalidToken", "AuthenticationRequired", "AuthMissing")


def _json(model: Any) -> dict[str, Any]:
    dumped: dict[str, Any] = model.model_dump(mode="json", by_alias=True, exclude_none=True)
    return dumped


def _newer(items: list[dict[str, Any]], since: str) -> list[dict[str, Any]]:
    return [item for item in items if not since or str(item.get("indexedAt", "")) > since]


def poll(channel: Channel, secrets: dict[str, str]) -> PollResult:
    session = _Session(channel, secrets)
    try:
        return _poll(channel, session)
    finally:
        session.save()


def _poll(channel: Channel, session: _Session) -> PollResult:
    state = dict(channel.state)
    found: list[dict[str, Any]] = []
    if channel.config.get("mentions", "yes") != "no":
        response = session.call(
            lambda client: client.app.bsky.notification.list_notifications(params={"limit": PAGE_LIMIT})
        )
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
        response = session.call(lambda client: client.app.bsky.feed.search_posts(params=params))
        items = _newer([_json(p) for p in response.posts], state.get("search_seen", ""))
        found += items
        state["search_seen"] = max([state.get("search_seen", "")] + [i["indexedAt"] for i in items])
    result = PollResult(state=state)
    own = str(channel.config.get("handle", ""))
    for item in found:
        raw = json.dumps(item, ensure_ascii=False).encode()
        result.read(
            raw,
            where=f"post {item.get('uri')}",
            external_id=str(item.get("uri") or ""),
            parse=partial(post_to_incoming, item, own_handle=own),
        )
    return result


def send_reply(channel: Channel, secrets: dict[str, str], target: ReplyTarget, text: str) -> str:
    from atproto_client.exceptions import BadRequestError, UnauthorizedError

    if not target.in_reply_to.startswith("at://"):
        raise DeliveryError("nothing to answer: the conversation has no Bluesky post", permanent=True)
    session = _Session(channel, secrets)
    try:
        return session.call(lambda client: _send(client, target, text))
    except (BadRequestError, UnauthorizedError) as exc:
        raise DeliveryError(f"Bluesky refused the answer: {exc}", permanent=True) from exc
    finally:
        session.save()


def _send(client: Any, target: ReplyTarget, text: str) -> str:
    from atproto import models

    parent = client.get_posts([target.in_reply_to]).posts
    if not parent:
        raise DeliveryError("the post to answer was deleted", permanent=True)
    parent_ref = models.create_strong_ref(parent[0])
    root = getattr(parent[0].record, "reply", None)
    root_ref = root.root if root is not None else parent_ref
    created = client.send_post(
        text=text,
        # The session's own DID: no profile lookup at login (one request less per poll).
        profile_identify=client._session.did,  # atproto exposes the DID only there
        reply_to=models.AppBskyFeedPost.ReplyRef(parent=parent_ref, root=root_ref),
    )
    return str(created.uri)
