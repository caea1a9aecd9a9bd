"""What outsiders hold the log to: the stored Merkle tree over each brand's entries and its signed
checkpoints (RFC 9162 style; see ``resonanz.moderation.merkle`` and ``resonanz.moderation.checkpoints``).

Both are written only by ``append_entry``, in the same transaction as the entry. The tree is a cache a
verifier can always recompute from the entries; the checkpoints carry an Ed25519 signature made with a
key that is not in the database, so rows edited or invented with database access alone do not verify.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from resonanz.accounts.models import Brand


class LogTreeNode(models.Model):
    """The hash of one complete subtree: leaves ``[index * 2**level, (index + 1) * 2**level)``."""

    brand = models.ForeignKey(Brand, on_delete=models.PROTECT, related_name="+")
    level = models.PositiveSmallIntegerField()
    index = models.PositiveBigIntegerField()
    hash = models.CharField(max_length=64)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["brand", "level", "index"], name="moderation_tree_node_unique")
        ]

    def __str__(self) -> str:
        return f"{self.brand_id} L{self.level}#{self.index}"


class LogCheckpoint(models.Model):
    """A signed statement "the log of this brand had ``tree_size`` entries with this root at this time"."""

    brand = models.ForeignKey(Brand, on_delete=models.PROTECT, related_name="log_checkpoints")
    # The signed note's first line, e.g. "resonanz/elbtal-bahn": which log this is (RESONANZ_LOG_NAME/slug).
    origin = models.CharField(max_length=200)
    tree_size = models.PositiveBigIntegerField()
    root_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField()
    key_id = models.CharField(max_length=16)
    signature = models.CharField(max_length=100)

    class Meta:
        ordering = ["brand", "tree_size"]
        constraints = [
            models.UniqueConstraint(fields=["brand", "tree_size"], name="moderation_checkpoint_size_unique")
        ]
        verbose_name = _("log checkpoint")
        verbose_name_plural = _("log checkpoints")

    def __str__(self) -> str:
        return f"{self.brand_id}@{self.tree_size}"
