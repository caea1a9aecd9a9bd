"""Poison messages: items a channel could not read or process are kept aside as dead letters, so the
channel's cursor moves on; admins retry (after a fix) or discard them. Repeated failures raise a notice
on the channel (its ``last_error``, shown on the channel page and in the API) and an error log line.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterable

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from resonanz.accounts.models import Role
from resonanz.accounts.permissions import AnyUser, check_role
from resonanz.core.errors import Conflict, InvalidInput
from resonanz.sources.connectors import FailedItem, connector_for
from resonanz.sources.models import Channel, DeadLetter

log = logging.getLogger(__name__)
# The same item failing this often (polls that see it again, retries), or this many open dead letters
# on one channel, is no longer a one-off: the channel shows a notice.
NOTICE_AFTER_ATTEMPTS = 3
NOTICE_AFTER_OPEN = 10
MAX_RAW_BYTES = 1024 * 1024


CUT = "+cut"  # marks a payload kept only in part (over MAX_RAW_BYTES): shown, never read again


def encode_raw(raw: bytes) -> tuple[str, str]:
    """The raw payload as text for the database: UTF-8 if it is, else latin-1 (which maps every byte to
    one character, so the original bytes come back exactly on retry)."""
    cut = CUT if len(raw) > MAX_RAW_BYTES else ""
    raw = raw[:MAX_RAW_BYTES]
    try:
        return raw.decode("utf-8"), "utf-8" + cut
    except UnicodeDecodeError:
        return raw.decode("latin-1"), "latin-1" + cut


def raw_bytes(letter: DeadLetter) -> bytes:
    return letter.raw.encode(letter.raw_encoding.removesuffix(CUT))


def fingerprint_of(item: FailedItem) -> str:
    return item.external_id or "sha256:" + hashlib.sha256(item.raw).hexdigest()


@transaction.atomic
def record_failures(
    channel: Channel, failures: Iterable[FailedItem], *, stage: str = DeadLetter.Stage.PARSE
) -> list[DeadLetter]:
    """Keep each failed item (one row per item: seen again, it counts an attempt and reopens)."""
    now = timezone.now()
    letters: list[DeadLetter] = []
    for item in failures:
        raw, encoding = encode_raw(item.raw)
        letter, created = DeadLetter.objects.select_for_update().get_or_create(
            channel=channel,
            fingerprint=fingerprint_of(item)[:255],
            defaults={
                "external_id": item.external_id[:255],
                "where": item.where[:255],
                "stage": stage,
                "error": item.error[:4000],
                "raw": raw,
                "raw_encoding": encoding,
                "first_seen_at": now,
                "last_seen_at": now,
            },
        )
        if not created:
            if letter.status == DeadLetter.Status.DISCARDED:
                continue  # an admin decided: the same broken item seen again stays discarded
            DeadLetter.objects.filter(pk=letter.pk).update(
                attempts=F("attempts") + 1,
                error=item.error[:4000],
                last_seen_at=now,
                status=DeadLetter.Status.OPEN,
                stage=stage,  # a post read after a retry may fail later, while processing
            )
            letter.refresh_from_db()
        letters.append(letter)
    return letters


def failure_notice(channel: Channel, letters: list[DeadLetter]) -> str:
    """A notice for the channel when failures repeat (the same item again and again, or many open
    dead letters), logged as an error so operators' log alerting sees it; "" while they are one-offs."""
    if not letters:
        return ""
    open_count = DeadLetter.objects.filter(channel=channel, status=DeadLetter.Status.OPEN).count()
    repeated = [letter for letter in letters if letter.attempts >= NOTICE_AFTER_ATTEMPTS]
    if not repeated and open_count < NOTICE_AFTER_OPEN:
        return ""
    notice = _(
        "%(count)s items of this channel could not be read (dead letters); the latest: %(where)s: %(error)s"
    ) % {"count": open_count, "where": letters[-1].where, "error": letters[-1].error[:300]}
    log.error("channel %s (%s): %s", channel.pk, channel.name, notice)
    return notice


def _check_open(letter: DeadLetter, *, by: AnyUser) -> DeadLetter:
    check_role(by, letter.channel.brand, Role.ADMIN)
    locked = DeadLetter.objects.select_for_update().select_related("channel__brand").get(pk=letter.pk)
    if locked.status != DeadLetter.Status.OPEN:
        raise Conflict(
            _("This dead letter was already %(status)s.") % {"status": locked.get_status_display()}
        )
    return locked


@transaction.atomic
def discard_dead_letter(letter: DeadLetter, *, by: AnyUser) -> DeadLetter:
    """The item is not wanted (spam, a test mail): it stays listed as discarded and is not taken again."""
    letter = _check_open(letter, by=by)
    letter.status = DeadLetter.Status.DISCARDED
    letter.save(update_fields=["status"])
    return letter


def retry_dead_letter(letter: DeadLetter, *, by: AnyUser) -> DeadLetter:
    """Read the item again (with today's code); it enters the inbox, or stays open with the new error."""
    from resonanz.inbox.models import InboundItem
    from resonanz.inbox.staging import stage_posts

    with transaction.atomic():
        letter = _check_open(letter, by=by)
        channel = letter.channel
        if letter.stage == DeadLetter.Stage.PROCESS:
            # The staged item is still there: back into the queue, with a fresh count of attempts.
            InboundItem.objects.filter(channel=channel, external_id=letter.external_id).update(
                state=InboundItem.State.PENDING, attempts=0, error=""
            )
            transaction.on_commit(_enqueue_processing)
            return _resolved(letter)
        connector = connector_for(channel)
        if letter.raw_encoding.endswith(CUT):
            raise InvalidInput({"raw": _("The item was too large to keep whole; it cannot be read again.")})
        if not connector.reparse_path:
            raise InvalidInput({"channel": _("Items of this kind of channel cannot be read again.")})
        try:
            post = connector.reparse()(channel, raw_bytes(letter))
        except Exception as exc:  # as in a poll: keep, count, show
            error = str(getattr(exc, "reason", "")) or f"{type(exc).__name__}: {exc}"
            DeadLetter.objects.filter(pk=letter.pk).update(
                attempts=F("attempts") + 1, error=error[:4000], last_seen_at=timezone.now()
            )
            letter.refresh_from_db()
            return letter
        stage_posts(channel, [post])
        letter.external_id = letter.external_id or post.external_id[:255]
        return _resolved(letter)


def _resolved(letter: DeadLetter) -> DeadLetter:
    letter.status = DeadLetter.Status.RESOLVED
    letter.last_seen_at = timezone.now()
    letter.save(update_fields=["status", "last_seen_at", "external_id"])
    return letter


def _enqueue_processing() -> None:
    from resonanz.inbox.tasks import process_inbound_task

    process_inbound_task.enqueue()
