"""Tools the managers set up for the team: saved replies and response-time targets."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from resonanz.accounts.models import Brand
from resonanz.inbox.models.conversation import Priority


class SavedReply(models.Model):
    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="saved_replies")
    title = models.CharField(_("title"), max_length=120)
    body = models.TextField(_("text"), help_text=_("Placeholders: {name}, {brand}, {agent}"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title


class ResponseTarget(models.Model):
    """First response expected within ``minutes`` for conversations of ``priority``."""

    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="response_targets")
    priority = models.PositiveSmallIntegerField(choices=Priority.choices)
    minutes = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["brand", "priority"], name="inbox_responsetarget_unique")
        ]

    def __str__(self) -> str:
        return f"{self.brand_id}: priority {self.priority} in {self.minutes} min"
