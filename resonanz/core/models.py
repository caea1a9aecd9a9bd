"""Abstract model bases every domain app builds on."""

from __future__ import annotations

from django.db import models


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class LimitCounter(models.Model):
    """One rate-limit window or replay marker of the embedded mode (Redis holds them in scale mode).

    Incremented with one ``INSERT … ON CONFLICT DO UPDATE … RETURNING`` so concurrent requests of several
    processes never lose a hit; ``expires_at`` (Unix seconds) lets stale rows be swept.
    """

    key = models.CharField(max_length=200, primary_key=True)
    count = models.PositiveIntegerField(default=0)
    expires_at = models.BigIntegerField(db_index=True)

    def __str__(self) -> str:
        return f"{self.key}={self.count}"
