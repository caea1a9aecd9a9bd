"""Retention periods per brand and the record of what each retention run removed."""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from resonanz.accounts.models import Brand

# At least a day (a shorter period would delete messages before anyone answered them), at most ten years.
DAYS = [MinValueValidator(1), MaxValueValidator(3650)]


class RetentionSettings(models.Model):
    """How long a brand keeps each kind of personal data it did not create itself.

    A brand without a row keeps the defaults below; ``resonanz retention`` and the daily job apply them.
    """

    brand = models.OneToOneField(Brand, on_delete=models.CASCADE, related_name="retention")
    external_messages_days = models.PositiveIntegerField(
        _("messages from external channels (days)"), default=365, validators=DAYS
    )
    ip_addresses_days = models.PositiveIntegerField(
        _("IP addresses and rate-limit counters (days)"), default=30, validators=DAYS
    )
    webhook_deliveries_days = models.PositiveIntegerField(
        _("logs of delivered webhooks (days)"), default=90, validators=DAYS
    )
    task_results_days = models.PositiveIntegerField(
        _("results of background tasks (days)"), default=30, validators=DAYS
    )
    dead_letters_days = models.PositiveIntegerField(
        _("dead letters of channels (days)"), default=90, validators=DAYS
    )

    class Meta:
        verbose_name = _("retention periods")
        verbose_name_plural = _("retention periods")

    def __str__(self) -> str:
        return f"retention of {self.brand_id}"


class RetentionRun(models.Model):
    """One run of the retention job: when, whether it only counted, and how many records per type."""

    started_at = models.DateTimeField(default=timezone.now, db_index=True)
    dry_run = models.BooleanField(default=False)
    counts = models.JSONField(default=dict)  # {"brand-slug": {"external_messages": 3, …}, "*": {…}}

    class Meta:
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"retention run {self.started_at:%Y-%m-%d %H:%M}"
