"""Crisis early warning: per-brand settings and baseline, alerts with a lifecycle, crisis mode."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from resonanz.accounts.models import Brand


class Sensitivity(models.TextChoices):
    """Mapped to a Poisson tail probability in detector.py (higher sensitivity: more, earlier alerts)."""

    LOW = "low", _("Low (fewer alerts, later)")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High (earlier alerts, more false alarms)")


class AlertSettings(models.Model):
    brand = models.OneToOneField(Brand, on_delete=models.CASCADE, related_name="alert_settings")
    enabled = models.BooleanField(_("crisis early warning on"), default=True)
    sensitivity = models.CharField(
        _("sensitivity"), max_length=8, choices=Sensitivity.choices, default=Sensitivity.MEDIUM
    )
    min_count = models.PositiveSmallIntegerField(
        _("minimum negative posts"),
        default=6,
        help_text=_(
            "A surge needs at least this many negative posts in 30 minutes, however quiet the brand."
        ),
    )
    escalate_to = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="+",
        verbose_name=_("escalate to"),
        help_text=_("Managers who are notified by e-mail when crisis mode starts."),
    )

    class Meta:
        verbose_name = _("alert settings")
        verbose_name_plural = _("alert settings")

    def __str__(self) -> str:
        return f"{self.brand}"


class Baseline(models.Model):
    """Expected negative posts per 15-minute window by local weekday x hour, learned from past weeks."""

    brand = models.OneToOneField(Brand, on_delete=models.CASCADE, related_name="crisis_baseline")
    rates = models.JSONField(default=list)  # 7 lists of 24 floats, Monday first
    weeks = models.FloatField(default=0)  # how much history it was learned from
    learned_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"baseline of {self.brand_id} ({self.weeks} weeks)"


class Alert(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        ACKNOWLEDGED = "acknowledged", _("Acknowledged")
        RESOLVED = "resolved", _("Resolved")

    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="alerts")
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.OPEN)
    window_start = models.DateTimeField()
    window_end = models.DateTimeField()
    observed = models.PositiveIntegerField(default=0)
    expected = models.FloatField(default=0)
    p_value = models.FloatField(default=1)
    driving_topics = models.JSONField(default=list, blank=True)  # [{"topic", "count", "lift"}]
    example_message_ids = models.JSONField(default=list, blank=True)
    opened_at = models.DateTimeField(default=timezone.now, db_index=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    resolution = models.TextField(_("resolution note"), blank=True, max_length=4000)
    postmortem = models.JSONField(default=dict, blank=True)
    postmortem_html = models.TextField(blank=True)

    class Meta:
        ordering = ["-opened_at", "-id"]
        constraints = [
            # At most one unresolved alert per brand: a surge that goes on does not open a second one.
            models.UniqueConstraint(fields=["brand"], condition=~Q(status="resolved"), name="alerts_one_open")
        ]
        verbose_name = _("alert")
        verbose_name_plural = _("alerts")

    def __str__(self) -> str:
        return f"alert #{self.pk} {self.brand_id} ({self.status})"

    @property
    def ratio(self) -> float | None:
        return round(self.observed / self.expected, 1) if self.expected > 0 else None


class AlertEvent(models.Model):
    """The alert's timeline (opened, acknowledged, crisis started, resolved …) for the post-mortem."""

    class Kind(models.TextChoices):
        OPENED = "opened", _("Alert opened")
        ACKNOWLEDGED = "acknowledged", _("Acknowledged")
        CRISIS_OPENED = "crisis_opened", _("Crisis mode started")
        FREEZE_ON = "freeze_on", _("Deletion freeze switched on")
        FREEZE_OFF = "freeze_off", _("Deletion freeze switched off")
        STATUS_POST = "status_post", _("Public status post published")
        ESCALATED = "escalated", _("Escalated")
        RESOLVED = "resolved", _("Resolved")

    alert = models.ForeignKey(Alert, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.kind} of alert {self.alert_id}"


class HoldingStatement(models.Model):
    """A prepared first answer for a crisis; copied into the inbox's saved replies while a crisis is open."""

    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="holding_statements")
    title = models.CharField(_("title"), max_length=100)
    body = models.TextField(_("text"), max_length=4000, help_text=_("Placeholders: {name}, {brand}, {agent}"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["title"]
        verbose_name = _("holding statement")
        verbose_name_plural = _("holding statements")

    def __str__(self) -> str:
        return self.title


class CrisisMode(models.Model):
    """The brand's response to an alert: escalation, holding statements, status post, deletion freeze."""

    alert = models.OneToOneField(Alert, on_delete=models.CASCADE, related_name="crisis")
    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="crises")
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    opened_at = models.DateTimeField(default=timezone.now)
    ended_at = models.DateTimeField(null=True, blank=True)
    freeze = models.BooleanField(default=True)
    # The blog article of the public status post, and the inbox saved replies made for the crisis.
    status_article_id = models.BigIntegerField(null=True, blank=True)
    saved_reply_ids = models.JSONField(default=list, blank=True)
    escalated_to = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+")

    def __str__(self) -> str:
        return f"crisis of alert {self.alert_id}"

    @property
    def is_active(self) -> bool:
        return self.ended_at is None
