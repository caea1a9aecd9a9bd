"""Appending to the public moderation log (in the caller's transaction) and redacting excerpts.

``append_entry`` is the one writer of the log: the entry, the chain head, the Merkle tree's new nodes
and the signed checkpoint of the new size are written together or not at all.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils.html import strip_tags
from django.utils.translation import gettext as _

from resonanz.accounts.models import Brand, Role
from resonanz.accounts.permissions import AnyUser, check_role, role_of
from resonanz.community.models import Post
from resonanz.moderation import chain, clock, logtree
from resonanz.moderation.errors import ExplanationRequired
from resonanz.moderation.models import GENESIS_HASH, ModerationDecision, ModLogEntry
from resonanz.moderation.services.brand_settings import settings_for

FORMAT_VERSION = 1
EXCERPT_CHARS = 280
State = ModLogEntry.ExcerptState


def role_label(user: AnyUser | None, brand: Brand) -> str | None:
    """What the public log shows instead of a name: the person's role in the brand."""
    if user is None:
        return None
    role = role_of(user, brand)
    return role.value if role else "staff"


def excerpt_of(post: Post | None) -> str:
    if post is None:
        return ""
    text = " ".join(strip_tags(post.body_html or post.body).split())
    return text if len(text) <= EXCERPT_CHARS else text[: EXCERPT_CHARS - 1] + "…"


def append_entry(
    brand: Brand,
    *,
    kind: str,
    payload: dict[str, Any],
    excerpt: str = "",
    excerpt_state: str = State.NONE,
    decision: ModerationDecision | None = None,
    at: datetime | None = None,
) -> ModLogEntry:
    """Append one entry to the brand's chain. Runs inside the caller's transaction (atomic with it)."""
    with transaction.atomic():
        settings = settings_for(brand, lock=True)
        seq = settings.log_head_seq + 1
        prev = settings.log_head_hash or GENESIS_HASH
        created_at = (at or clock.now()).replace(microsecond=0)
        content: dict[str, Any] = {"state": excerpt_state}
        if excerpt_state == State.SHOWN:
            content["digest"] = chain.keyed_digest(settings.log_salt, excerpt)
        else:
            excerpt = ""  # withheld content is never stored in the log, so it cannot leak from it
        full = {**payload, "v": FORMAT_VERSION, "brand": brand.slug, "seq": seq, "kind": kind}
        full["at"] = chain.timestamp(created_at)
        full["content"] = content
        canonical = chain.canonical_json(full)
        entry = ModLogEntry.objects.create(
            brand=brand, seq=seq, created_at=created_at, kind=kind, payload=full,
            content_hash=chain.content_hash(canonical), prev_hash=prev,
            entry_hash=chain.entry_hash(prev, canonical), excerpt=excerpt, excerpt_state=excerpt_state,
            decision=decision,
        )  # fmt: skip
        logtree.append_leaf(brand, seq - 1, logtree.leaf_of_payload(full), at=created_at)
        settings.log_head_seq, settings.log_head_hash = seq, entry.entry_hash
        settings.save(update_fields=["log_head_seq", "log_head_hash"])
    return entry


def author_handle(brand: Brand, user_id: int | None) -> str | None:
    return chain.author_handle(settings_for(brand).log_salt, user_id)


@transaction.atomic
def redact_log_excerpt(entry: ModLogEntry, *, by: AnyUser, reason: str) -> ModLogEntry:
    """Remove an excerpt for legal reasons: a tombstone stays, and the redaction is itself logged."""
    check_role(by, entry.brand, Role.MANAGER)
    reason = (reason or "").strip()
    if not reason:
        raise ExplanationRequired(_("Please give the legal reason for the removal."), field="reason")
    entry = ModLogEntry.objects.select_for_update().get(pk=entry.pk)
    if entry.excerpt_state != State.SHOWN:
        return entry
    entry.excerpt, entry.excerpt_state = "", State.REDACTED
    entry.redacted_at, entry.redaction_reason = clock.now(), reason[:300]
    entry.save(update_fields=["excerpt", "excerpt_state", "redacted_at", "redaction_reason"])
    append_entry(
        entry.brand, kind=ModLogEntry.Kind.REDACTION,
        payload={"redacts": entry.seq, "reason": reason[:300], "by_role": role_label(by, entry.brand)},
    )  # fmt: skip
    return entry
