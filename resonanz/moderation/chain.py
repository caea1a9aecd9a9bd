"""The hash chain of the public moderation log: canonical form, hashing and verification.

Format (version 1): ``content_hash = sha256(canonical)``, ``entry_hash = sha256(prev_hash + canonical)``
where ``canonical`` is the payload as JSON with sorted keys, no whitespace, UTF-8; the first entry's
``prev_hash`` is 64 zeros. The brand's settings keep the head (last seq and hash) so that cutting off
the newest entries is detected too.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from resonanz.accounts.models import Brand
from resonanz.moderation.models import GENESIS_HASH, ModerationSettings, ModLogEntry


def canonical_json(payload: dict[str, Any]) -> str:
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def content_hash(canonical: str) -> str:
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def entry_hash(prev_hash: str, canonical: str) -> str:
    return hashlib.sha256((prev_hash + canonical).encode("utf-8")).hexdigest()


def keyed_digest(salt: str, value: str) -> str:
    """HMAC-SHA-256 with the brand's secret salt: pseudonyms and excerpt digests nobody can brute-force."""
    return hmac.new(salt.encode(), value.encode("utf-8"), hashlib.sha256).hexdigest()


def author_handle(salt: str, user_id: int | None) -> str | None:
    """A stable pseudonym per brand: the same author gets the same handle, which reveals no account."""
    if user_id is None:
        return None
    return "a-" + keyed_digest(salt, f"user:{user_id}")[:12]


def timestamp(at: datetime) -> str:
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass(frozen=True)
class ChainProblem:
    seq: int
    message: str


@dataclass(frozen=True)
class ChainReport:
    brand: str
    checked: int
    problem: ChainProblem | None

    @property
    def ok(self) -> bool:
        return self.problem is None

    def summary(self) -> str:
        if self.problem is None:
            return f"{self.brand}: {self.checked} entries, chain intact"
        return f"{self.brand}: BROKEN at entry seq {self.problem.seq}: {self.problem.message}"


def _check_entry(entry: ModLogEntry, *, expected_seq: int, prev: str, salt: str) -> str | None:
    """What is wrong with one entry (first problem only), or None."""
    if entry.seq != expected_seq:
        return f"expected seq {expected_seq}, found {entry.seq}: entries missing or renumbered"
    canonical = canonical_json(entry.payload)
    if entry.payload.get("seq") != entry.seq or entry.payload.get("kind") != entry.kind:
        return "seq or kind differ from the hashed payload (entry moved or edited)"
    if entry.content_hash != content_hash(canonical):
        return "content hash differs: the payload was edited"
    if entry.prev_hash != prev:
        return "prev_hash does not match the previous entry: an entry was deleted, inserted or reordered"
    if entry.entry_hash != entry_hash(prev, canonical):
        return "entry hash differs from sha256(prev_hash + payload)"
    if entry.payload.get("at") != timestamp(entry.created_at):
        return "created_at differs from the hashed timestamp"
    content = entry.payload.get("content") or {}
    if entry.excerpt_state == ModLogEntry.ExcerptState.SHOWN and content.get("digest") != keyed_digest(
        salt, entry.excerpt
    ):
        return "the excerpt differs from its hashed digest"
    return None


def verify_chain(brand: Brand) -> ChainReport:
    """Walk the brand's log in seq order; report the first broken entry."""
    settings = ModerationSettings.objects.filter(brand=brand).first()
    salt = settings.log_salt if settings else ""
    prev, expected, checked = GENESIS_HASH, 1, 0
    for entry in ModLogEntry.objects.filter(brand=brand).order_by("seq").iterator(chunk_size=500):
        problem = _check_entry(entry, expected_seq=expected, prev=prev, salt=salt)
        if problem:
            return ChainReport(brand.slug, checked, ChainProblem(entry.seq, problem))
        prev, expected, checked = entry.entry_hash, expected + 1, checked + 1
    head_seq = settings.log_head_seq if settings else 0
    head_hash = (settings.log_head_hash if settings else "") or GENESIS_HASH
    if head_seq != checked or head_hash != prev:
        missing = f"the log ends at seq {checked} but its head is seq {head_seq}: newest entries missing"
        return ChainReport(brand.slug, checked, ChainProblem(checked + 1, missing))
    return ChainReport(brand.slug, checked, None)
