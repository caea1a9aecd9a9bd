"""Rollups: pre-aggregated figures so that dashboards never scan raw posts.

Written only by ``resonanz.insights.rollup`` (incrementally from a cursor, or rebuilt from scratch).
Counts are kept per *local* day of the brand (its time zone decides what a day is) and, as a second
grain, per local month, so that a year is read as twelve month rows plus the days at its edges.
Channel and conversation ids are plain integers, not foreign keys: rollups are derived data, rebuilt
when their sources change, and must stay cheap to bulk-write at millions of rows.
"""

from __future__ import annotations

from django.db import models

from resonanz.accounts.models import Brand

ANY_CHANNEL = 0  # channel_id of the counts and first sightings that are over all channels


class Grain(models.TextChoices):
    DAY = "d", "day"
    MONTH = "m", "month"  # ``day`` is the first of the month


class DailyCount(models.Model):
    """A count per brand, grain, local day, channel, metric and key (e.g. metric ``in``, key ``negative``)."""

    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="+")
    grain = models.CharField(max_length=1, choices=Grain.choices)
    metric = models.CharField(max_length=24)
    day = models.DateField()
    channel_id = models.BigIntegerField()  # 0: counted over all channels (first contact with the brand)
    key = models.CharField(max_length=100, blank=True, default="")
    count = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["brand", "grain", "metric", "day", "channel_id", "key"], name="insights_daily_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.brand_id} {self.metric}:{self.key} {self.grain}{self.day} = {self.count}"


class ResponseBin(models.Model):
    """Answered measurement cycles per local day/month, channel, topic ('' = all) and response-time class.

    The class (``cycles.EDGES``) is the one of the brand's active measure: business hours if switched
    on, else wall-clock time. A quantile is located here and read exactly from ``ResponseFact``.
    """

    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="+")
    grain = models.CharField(max_length=1, choices=Grain.choices)
    topic = models.CharField(max_length=100, blank=True, default="")
    day = models.DateField()
    channel_id = models.BigIntegerField()
    bin = models.SmallIntegerField()
    criticism = models.BooleanField(default=False)
    count = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["brand", "grain", "topic", "day", "channel_id", "bin", "criticism"],
                name="insights_bin_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.brand_id} {self.grain}{self.day} bin {self.bin} = {self.count}"


class WindowCount(models.Model):
    """Incoming and negative posts per brand and 15-minute window: what the crisis detector reads."""

    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="+")
    start = models.DateTimeField()
    total = models.IntegerField(default=0)
    negative = models.IntegerField(default=0)
    # Expected number of negative posts (sum of calibrated P(negative)) in thousandths: integers add up
    # exactly in any order, so an incremental rollup equals a rebuild. The crisis detector reads this.
    negative_expected_milli = models.BigIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["brand", "start"], name="insights_window_unique")]

    def __str__(self) -> str:
        return f"{self.brand_id} {self.start:%Y-%m-%d %H:%M} {self.negative}/{self.total}"


class ResponseFact(models.Model):
    """One measurement cycle of a conversation (see cycles.py): when it started and when a human answered.

    ``bin`` / ``business_bin`` are the response-time classes of ``seconds`` / ``business_seconds``.
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
            # Covering: a quantile's class is read from these alone (figures in response.py).
            models.Index(fields=["brand", "bin", "cycle_start", "seconds"], name="insights_fact_bin_read"),
            models.Index(
                fields=["brand", "business_bin", "cycle_start", "business_seconds"],
                name="insights_fact_bbin_read",
            ),
        ]

    def __str__(self) -> str:
        return f"conversation {self.conversation_id} from {self.cycle_start:%Y-%m-%d %H:%M}"


class Participant(models.Model):
    """Someone who wrote to the brand, pseudonymised (64 bits of a SHA-256), with their first local day —
    on one channel, or on any channel (``channel_id`` 0)."""

    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="+")
    key = models.BigIntegerField()
    channel_id = models.BigIntegerField(default=0)
    first_seen = models.DateTimeField()
    first_day = models.DateField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["brand", "key", "channel_id"], name="insights_participant_unique")
        ]

    def __str__(self) -> str:
        return f"{self.brand_id}:{self.key}@{self.channel_id}"


class ParticipantSketch(models.Model):
    """Who wrote on a local day (or month) on a channel: exact keys while few, else a HyperLogLog sketch
    (see sketches.py); distinct counts over a period merge these instead of counting raw rows."""

    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="+")
    grain = models.CharField(max_length=1, choices=Grain.choices)
    day = models.DateField()
    channel_id = models.BigIntegerField()
    keys = models.BinaryField(null=True, blank=True)
    registers = models.BinaryField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["brand", "grain", "day", "channel_id"], name="insights_sketch_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.brand_id} {self.grain}{self.day} channel {self.channel_id}"


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


class RollupState(models.Model):
    """The brand settings the rollups were computed with; a change (time zone, business hours) rebuilds
    the brand's rollups before anything new is added to them."""

    brand = models.OneToOneField(Brand, on_delete=models.CASCADE, related_name="+")
    signature = models.CharField(max_length=200)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.brand_id}: {self.signature}"
