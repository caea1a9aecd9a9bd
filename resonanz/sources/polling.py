"""Run polling connectors: fetch since the saved cursor, stage what came, then keep the new cursor.

Staging commits before the cursor moves, so a crash in between re-fetches (and dedupes) instead of
losing posts. A rate limit from the remote (Retry-After, X-RateLimit-Reset) postpones the next poll.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from resonanz.accounts.models import Role
from resonanz.accounts.permissions import AnyUser, check_role
from resonanz.core.errors import InvalidInput
from resonanz.sources.connectors import CONNECTORS, connector_for
from resonanz.sources.dead_letters import failure_notice, record_failures
from resonanz.sources.models import Channel
from resonanz.sources.selectors import find_channel
from resonanz.sources.services import channel_secrets, save_poll_state

log = logging.getLogger(__name__)


@dataclass
class PollOutcome:
    channel: str
    new: int = 0
    duplicates: int = 0
    rejected: int = 0
    error: str = ""
    problems: list[tuple[str, str]] = field(default_factory=list)  # (where, reason) of rejected items

    def __str__(self) -> str:
        if self.error:
            return f"{self.channel}: error: {self.error}"
        return f"{self.channel}: {self.new} new, {self.duplicates} duplicates, {self.rejected} rejected"


def poll_channel(channel: Channel) -> PollOutcome:
    from resonanz.inbox.staging import stage_posts

    outcome = PollOutcome(channel=f"{channel.brand.slug}/{channel.name}")
    try:
        result = connector_for(channel).poll()(channel, channel_secrets(channel))
    except Exception as exc:  # any client or network error: keep the cursor, show the error, try later
        log.warning("polling %s failed: %s", outcome.channel, exc)
        outcome.error = f"{type(exc).__name__}: {exc}"
        save_poll_state(
            channel, state=channel.state, error=outcome.error, retry_after=getattr(exc, "retry_after", None)
        )
        return outcome
    # Posts first, then the dead letters, then the cursor: a crash in between re-fetches and dedupes.
    staged = stage_posts(channel, result.posts)
    notice = failure_notice(channel, record_failures(channel, result.failed))
    outcome.new, outcome.duplicates, outcome.rejected = staged.new, staged.duplicates, len(result.failed)
    outcome.problems = list(result.rejected)
    summary = [*result.warnings, *(f"{where}: {reason}" for where, reason in result.rejected[:5])]
    problems = notice or "; ".join(summary)
    save_poll_state(channel, state=result.state, error=problems, retry_after=result.retry_after)
    return outcome


def poll_channels(*, channel_key: str | None = None, force: bool = False) -> list[PollOutcome]:
    """Poll one channel (by id/uuid/name) or every enabled, due polling channel."""
    if channel_key:
        return [poll_channel(find_channel(None, channel_key))]
    kinds = [kind for kind, connector in CONNECTORS.items() if connector.can_poll]
    channels = Channel.objects.filter(enabled=True, kind__in=kinds).select_related("brand")
    if not force:
        channels = channels.filter(Q(next_poll_at__isnull=True) | Q(next_poll_at__lte=timezone.now()))
    return [poll_channel(channel) for channel in channels]


def poll_now(channel: Channel, *, by: AnyUser) -> PollOutcome:
    """An admin asks for a poll of one channel now (the channel page's button, the admin action)."""
    check_role(by, channel.brand, Role.ADMIN)
    if not connector_for(channel).can_poll:
        raise InvalidInput({"kind": _("This kind of channel is not polled.")})
    return poll_channel(channel)


def poll_due_channels() -> list[PollOutcome]:
    return poll_channels()
