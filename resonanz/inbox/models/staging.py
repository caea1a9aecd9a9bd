"""The staging row: every post a connector saw, stored before any processing (the pipeline's input)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from resonanz.sources.models import Channel


class InboundItem(models.Model):
    """Unique per (channel, external_id): staging the same post twice is a no-op, so re-imports dedupe."""

    class State(models.TextChoices):
        PENDING = "pending", _("Pending")
        PROCESSED = "processed", _("Processed")
        REJECTED = "rejected", _("Rejected")

    channel = models.ForeignKey(Channel, on_delete=models.CASCADE, related_name="inbound_items")
    external_id = models.CharField(max_length=255)
    payload = models.JSONField()  # IncomingPost.to_payload()
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    error = models.TextField(blank=True)
    received_at = models.DateTimeField(auto_now_add=True)
    processed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["channel", "external_id"], name="inbox_inbounditem_unique")
        ]
        # Workers scan pending rows in arrival order; a partial index keeps that cheap at any size.
        indexes = [
            models.Index(fields=["id"], name="inbox_inbound_pending", condition=models.Q(state="pending"))
        ]

    def __str__(self) -> str:
        return f"{self.channel_id}:{self.external_id} ({self.state})"
