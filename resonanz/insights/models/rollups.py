"""Rollups: pre-aggregated figures so that dashboards never scan raw posts.

Written only by ``resonanz.insights.rollup`` (incrementally from a cursor, or rebuilt from scratch).
Channel and conversation ids are plain integers, not foreign keys: rollups are derived data, rebuilt
when their sources change, and must stay cheap to bulk-write at millions of rows.
"""

from __future__ import annotations

from django.db import models

from resonanz.accounts.models import Brand


class HourlyCount(models.Model):
    """A count per brand, UTC hour, channel, metric and key (e.g. metric ``in``, key ``negative``).

    Local days are sums of the hourly buckets that fall into them, so the brand's time zone decides the
    day without storing one row per time zone.
    """

    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="+")
    metric = models.CharField(max_length=24)
    hour = models.DateTimeField()
    channel_id = models.BigIntegerField()
    key = models.CharField(max_length=100, blank=True, default="")
    count = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["brand", "metric", "hour", "channel_id", "key"], name="insights_hourly_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.brand_id} {self.metric}:{self.key} {self.hour:%Y-%m-%d %H} = {self.count}"


class WindowCount(models.Model):
    """Incoming and negative posts per brand and 15-minute window: what the crisis detector reads."""

    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="+")
    start = models.DateTimeField()
    total = models.IntegerField(default=0)
    negative = models.IntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["brand", "start"], name="insights_window_unique")]

    def __str__(self) -> str:
        return f"{self.brand_id} {self.start:%Y-%m-%d %H:%M} {self.negative}/{self.total}"


class ResponseFact(models.Model):
    """One measurement cycle of a conversation (see kpis.py): when it started and when a human answered.

    ``bin`` is the log-spaced histogram bin of ``seconds``: a GROUP BY over it finds the bin that holds
    a quantile, and one small ordered read inside that bin gives the exact value.
    """

    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="+")
    channel_id = models.BigIntegerField()
    conversation_id = models.BigIntegerField()
    cycle_start = models.DateTimeField()
    answered_at = models.DateTimeField(null=True, blank=True)
    seconds = models.BigIntegerField(null=True, blank=True)
    business_seconds = models.BigIntegerField(null=True, blank=True)
    bin = models.SmallIntegerField(null=True, blank=True)
    business_bin = models.SmallIntegerField(null=True, blank=True)
    criticism = models.BooleanField(default=False)
    sentiment_before = models.CharField(max_length=10, blank=True)
    sentiment_after = models.CharField(max_length=10, blank=True)
    topics = models.CharField(max_length=500, blank=True)  # "|topic|topic|" so one LIKE finds a topic

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["conversation_id", "cycle_start"], name="insights_fact_cycle_unique"
            )
        ]
        indexes = [
            models.Index(fields=["brand", "cycle_start"], name="insights_fact_brand_start"),
            models.Index(fields=["brand", "bin", "seconds"], name="insights_fact_brand_bin"),
        ]

    def __str__(self) -> str:
        return f"conversation {self.conversation_id} from {self.cycle_start:%Y-%m-%d %H:%M}"


class Participant(models.Model):
    """Someone who wrote to the brand, pseudonymised (64 bits of a SHA-256), with their first local day."""

    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="+")
    key = models.BigIntegerField()
    first_seen = models.DateTimeField()
    first_day = models.DateField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["brand", "key"], name="insights_participant_unique")]
        indexes = [models.Index(fields=["brand", "first_day"], name="insights_participant_first")]

    def __str__(self) -> str:
        return f"{self.brand_id}:{self.key}"


class ParticipantDay(models.Model):
    """A participant was active on a local day in a channel (distinct counts cannot be summed)."""

    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    channel_id = models.BigIntegerField()
    key = models.BigIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["brand", "day", "channel_id", "key"], name="insights_pday_unique")
        ]

    def __str__(self) -> str:
        return f"{self.brand_id}:{self.key} {self.day}"


class RollupCursor(models.Model):
    """How far a source table has been consumed: the highest id, plus recent gaps below it.

    On PostgreSQL ids are handed out before commit, so a row with a lower id can become visible after
    a higher one; such gaps are re-checked for a while instead of being skipped forever.
    """

    name = models.CharField(max_length=40, unique=True)
    position = models.BigIntegerField(default=0)
    gaps = models.JSONField(default=dict, blank=True)  # {"id": first-seen unix time}
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.name}@{self.position}"
