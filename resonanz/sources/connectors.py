"""What each kind of channel can do, and where its code lives (imported lazily: atproto is heavy)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.utils.module_loading import import_string

from resonanz.sources.incoming import IncomingError, IncomingPost
from resonanz.sources.models import Channel, ChannelKind


@dataclass(frozen=True)
class FailedItem:
    """One item the connector could not turn into a post: it becomes a dead letter, the cursor moves on."""

    where: str
    error: str
    raw: bytes
    external_id: str = ""


@dataclass
class PollResult:
    """What one poll of a channel brought: posts, items that failed (dead letters), the cursor to keep."""

    posts: list[IncomingPost] = field(default_factory=list)
    failed: list[FailedItem] = field(default_factory=list)
    # Problems of the source as a whole that did not stop the poll (a feed that is not well-formed).
    warnings: list[str] = field(default_factory=list)
    state: dict[str, Any] = field(default_factory=dict)
    # Seconds the remote asked us to wait (rate limit); the poller schedules the next run after it.
    retry_after: int | None = None

    def read(
        self, raw: bytes, *, where: str, external_id: str = "", parse: Callable[[], IncomingPost]
    ) -> None:
        """Parse one item; any failure (a bad payload, a bug in a parser) is kept as a dead letter
        instead of aborting the poll, so one poison message can never block the channel."""
        try:
            self.posts.append(parse())
        except Exception as exc:  # any parser failure must not stop the other items
            error = exc.reason if isinstance(exc, IncomingError) else f"{type(exc).__name__}: {exc}"
            self.failed.append(FailedItem(where, error, raw, external_id))

    @property
    def rejected(self) -> list[tuple[str, str]]:
        return [(item.where, item.error) for item in self.failed]


@dataclass(frozen=True)
class ReplyTarget:
    """Where an answer goes: the post it answers and the conversation's key, in the channel's ids."""

    in_reply_to: str
    thread_key: str
    author_handle: str  # the author of the post answered (whom the answer addresses)
    subject: str = ""
    # The thread's earlier ids, oldest first (e-mail References); the connector keeps what it can use.
    references: tuple[str, ...] = ()


class DeliveryError(Exception):
    """Sending failed; ``permanent`` failures are not retried (e.g. the post was deleted)."""

    def __init__(self, message: str, *, permanent: bool = False, retry_after: int | None = None) -> None:
        super().__init__(message)
        self.permanent = permanent
        self.retry_after = retry_after


PollFn = Callable[[Channel, dict[str, str]], PollResult]
# Parses one stored raw item again (a dead letter's retry): (channel, raw bytes) → post.
ReparseFn = Callable[[Channel, bytes], IncomingPost]
ReplyFn = Callable[[Channel, dict[str, str], ReplyTarget, str], str]


@dataclass(frozen=True)
class Connector:
    kind: str
    config_fields: tuple[str, ...] = ()
    secret_fields: tuple[str, ...] = ()
    poll_path: str = ""
    reply_path: str = ""
    # Parses one dead letter's raw payload again (its retry); empty: the kind keeps no dead letters.
    reparse_path: str = ""
    # Seconds between polls: frequent for conversations, gentle for feeds (conditional GET or not).
    poll_seconds: int = 60

    @property
    def can_poll(self) -> bool:
        return bool(self.poll_path)

    @property
    def can_reply(self) -> bool:
        return bool(self.reply_path)

    def poll(self) -> PollFn:
        fn: PollFn = import_string(self.poll_path)
        return fn

    def reparse(self) -> ReparseFn:
        fn: ReparseFn = import_string(self.reparse_path)
        return fn

    def reply(self) -> ReplyFn:
        fn: ReplyFn = import_string(self.reply_path)
        return fn


CONNECTORS: dict[str, Connector] = {
    # Community answers are written synchronously (sources/community.py::write_reply), not by a task.
    ChannelKind.COMMUNITY: Connector(
        ChannelKind.COMMUNITY, reply_path="resonanz.sources.community.write_reply"
    ),
    ChannelKind.RSS: Connector(
        ChannelKind.RSS,
        ("url",),
        poll_path="resonanz.sources.rss.client.poll",
        reparse_path="resonanz.sources.rss.parse.reparse",
        poll_seconds=15 * 60,
    ),
    ChannelKind.MASTODON: Connector(
        ChannelKind.MASTODON,
        ("instance_url", "account", "hashtag", "mentions"),
        ("access_token",),
        poll_path="resonanz.sources.mastodon.client.poll",
        reparse_path="resonanz.sources.mastodon.parse.reparse",
        reply_path="resonanz.sources.mastodon.client.send_reply",
    ),
    ChannelKind.BLUESKY: Connector(
        ChannelKind.BLUESKY,
        ("service_url", "handle", "search", "mentions"),
        ("app_password",),
        poll_path="resonanz.sources.bluesky.client.poll",
        reparse_path="resonanz.sources.bluesky.parse.reparse",
        reply_path="resonanz.sources.bluesky.client.send_reply",
    ),
    ChannelKind.EMAIL: Connector(
        ChannelKind.EMAIL,
        (
            "imap_host",
            "imap_port",
            "imap_user",
            "mailbox",
            "imap_ssl",
            "smtp_host",
            "smtp_port",
            "smtp_user",
            "smtp_starttls",
            "address",
        ),
        ("imap_password", "smtp_password"),
        poll_path="resonanz.sources.email.client.poll",
        reparse_path="resonanz.sources.email.parse.reparse",
        reply_path="resonanz.sources.email.client.send_reply",
        poll_seconds=120,
    ),
    ChannelKind.WEBHOOK: Connector(ChannelKind.WEBHOOK, ("max_bytes",), ("signing_secret",)),
    ChannelKind.IMPORT: Connector(ChannelKind.IMPORT, ("format", "mapping")),
}


def connector_for(channel: Channel) -> Connector:
    return CONNECTORS[channel.kind]
