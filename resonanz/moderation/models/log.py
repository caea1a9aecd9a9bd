"""The public moderation log: an append-only, per-brand hash chain.

``entry_hash = sha256(prev_hash + canonical payload)``; the payload names roles, not people, a
pseudonymous author handle and only a keyed digest of any excerpt. The excerpt itself lives outside the
chain so that it can be redacted (leaving a tombstone) without breaking the chain.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from resonanz.accounts.models import Brand
from resonanz.moderation.models.decisions import ModerationDecision

GENESIS_HASH = "0" * 64
# The only columns a correction may change after the fact: the redactable excerpt, outside the chain.
REDACTABLE_FIELDS = frozenset({"excerpt", "excerpt_state", "redacted_at", "redaction_reason"})


class AppendOnly(Exception):
    """Raised when code tries to change or delete a log entry (corrections are new entries)."""


class ModLogEntry(models.Model):
    class Kind(models.TextChoices):
        DECISION = "decision", _("Decision")
        REJECTED = "rejected", _("Proposal rejected by the second moderator")
        APPEAL = "appeal", _("Appeal decided")
        RULES = "rules", _("House rules published")
        FREEZE = "freeze", _("Deletion freeze switched")
        FREEZE_OVERRIDE = "freeze_override", _("Deletion freeze overridden")
        REDACTION = "redaction", _("Excerpt removed for legal reasons")
        PROPOSED = "proposed", _("Proposal waiting for a second person")
        ROLE = "role", _("Role changed")
        SETTINGS = "settings", _("Moderation settings changed")

    class ExcerptState(models.TextChoices):
        NONE = "none", _("No content")
        SHOWN = "shown", _("Shown")
        WITHHELD = "withheld", _("Not republished")
        REDACTED = "redacted", _("Removed for legal reasons")
        WITHDRAWN = "withdrawn", _("Withdrawn: the post was hidden or removed later")

    brand = models.ForeignKey(Brand, on_delete=models.PROTECT, related_name="modlog")
    seq = models.PositiveBigIntegerField()
    created_at = models.DateTimeField(db_index=True)
    kind = models.CharField(max_length=16, choices=Kind.choices)
    payload = models.JSONField()
    content_hash = models.CharField(max_length=64)
    prev_hash = models.CharField(max_length=64)
    entry_hash = models.CharField(max_length=64, unique=True)
    # Outside the chain (its keyed digest is inside): redactable, see REDACTABLE_FIELDS.
    excerpt = models.TextField(blank=True)
    excerpt_state = models.CharField(max_length=10, choices=ExcerptState.choices, default=ExcerptState.NONE)
    redacted_at = models.DateTimeField(null=True, blank=True)
    redaction_reason = models.CharField(max_length=300, blank=True)
    # Internal link for the staff pages; the public identity of a decision is its puid in the payload.
    decision = models.ForeignKey(
        ModerationDecision, null=True, blank=True, on_delete=models.SET_NULL, related_name="log_entries"
    )

    class Meta:
        ordering = ["brand", "seq"]
        constraints = [models.UniqueConstraint(fields=["brand", "seq"], name="moderation_log_seq_unique")]
        verbose_name = _("moderation log entry")
        verbose_name_plural = _("moderation log entries")

    def __str__(self) -> str:
        return f"{self.brand_id}#{self.seq} {self.kind}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        # Append-only in the application: a new row, or a redaction of the excerpt outside the chain.
        update_fields = kwargs.get("update_fields")
        if not self._state.adding and (update_fields is None or not set(update_fields) <= REDACTABLE_FIELDS):
            raise AppendOnly("moderation log entries cannot be changed; append a correction instead")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnly("moderation log entries cannot be deleted")
