"""The brand's strategy: goals, target groups, channels and KPIs with targets; insights settings."""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from resonanz.accounts.models import Brand
from resonanz.insights.holidays import STATES
from resonanz.sources.models import Channel


class Metric(models.TextChoices):
    """What a KPI measures; the formal definitions live in ``resonanz.insights.kpis``."""

    RESPONSE_RATE = "response_rate", _("Response rate")
    MEDIAN_FIRST_RESPONSE = "median_first_response", _("Median time to first response")
    P90_FIRST_RESPONSE = "p90_first_response", _("90th percentile time to first response")
    CRITICISM_ANSWERED = "criticism_answered", _("Share of criticism answered")
    CRITICISM_ANSWERED_WITHIN = "criticism_answered_within", _("Share of criticism answered in time")
    POSITIVE_SHARE = "positive_share", _("Share of positive posts")
    NEGATIVE_SHARE = "negative_share", _("Share of negative posts")
    TURNAROUND = "turnaround", _("Turnaround")
    NEW_PARTICIPANTS = "new_participants", _("New participants")
    RETURNING_SHARE = "returning_share", _("Share of returning participants")


class KpiPeriod(models.TextChoices):
    WEEK = "week", _("Week")
    MONTH = "month", _("Month")
    QUARTER = "quarter", _("Quarter")
    YEAR = "year", _("Year")


class ReportFrequency(models.TextChoices):
    OFF = "off", _("No report")
    WEEKLY = "weekly", _("Weekly")
    MONTHLY = "monthly", _("Monthly")


class InsightsSettings(models.Model):
    brand = models.OneToOneField(Brand, on_delete=models.CASCADE, related_name="insights_settings")
    public_bilanz = models.BooleanField(
        _("publish the Dialog-Bilanz"),
        default=False,
        help_text=_("A public page with the response figures and moderation numbers of the brand."),
    )
    business_hours = models.BooleanField(
        _("measure response times in business hours"),
        default=False,
        help_text=_("Time outside business hours does not count towards response times."),
    )
    business_start = models.PositiveSmallIntegerField(
        _("business hours start (hour)"), default=9, validators=[MaxValueValidator(23)]
    )
    business_end = models.PositiveSmallIntegerField(
        _("business hours end (hour)"), default=17, validators=[MinValueValidator(1), MaxValueValidator(24)]
    )
    # ISO weekdays as digits, Monday = 0 (Python's weekday()).
    business_days = models.CharField(_("business days"), max_length=7, default="01234")
    # Public holidays are never business hours: the nationwide ones always, a state's own with its code.
    holiday_state = models.CharField(
        _("federal state for public holidays"),
        max_length=2,
        blank=True,
        default="",
        choices=[("", _("Nationwide holidays only")), *STATES.items()],
    )
    report_frequency = models.CharField(
        _("periodic report"), max_length=8, choices=ReportFrequency.choices, default=ReportFrequency.MONTHLY
    )

    class Meta:
        verbose_name = _("insights settings")
        verbose_name_plural = _("insights settings")

    def __str__(self) -> str:
        return f"{self.brand}"


class TargetGroup(models.Model):
    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="target_groups")
    name = models.CharField(_("name"), max_length=120)
    description = models.TextField(_("description"), blank=True, max_length=2000)

    class Meta:
        ordering = ["name"]
        verbose_name = _("target group")
        verbose_name_plural = _("target groups")

    def __str__(self) -> str:
        return self.name


class Goal(models.Model):
    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="goals")
    title = models.CharField(_("goal"), max_length=200)
    description = models.TextField(_("description"), blank=True, max_length=4000)
    target_groups = models.ManyToManyField(TargetGroup, blank=True, related_name="goals")
    channels = models.ManyToManyField(Channel, blank=True, related_name="goals")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("goal")
        verbose_name_plural = _("goals")

    def __str__(self) -> str:
        return self.title


class KPI(models.Model):
    """A target for one metric over a recurring period, optionally narrowed to a channel or topic."""

    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="kpis")
    goal = models.ForeignKey(Goal, null=True, blank=True, on_delete=models.SET_NULL, related_name="kpis")
    name = models.CharField(_("name"), max_length=200)
    metric = models.CharField(_("metric"), max_length=32, choices=Metric.choices)
    target = models.FloatField(_("target value"))
    period = models.CharField(_("period"), max_length=8, choices=KpiPeriod.choices, default=KpiPeriod.MONTH)
    threshold_minutes = models.PositiveIntegerField(
        _("answered within (minutes)"),
        null=True,
        blank=True,
        help_text=_("Only for “share of criticism answered in time”."),
    )
    channel = models.ForeignKey(Channel, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    topic = models.CharField(_("topic"), max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("KPI")
        verbose_name_plural = _("KPIs")

    def __str__(self) -> str:
        return self.name


class ReportDelivery(models.Model):
    """One periodic report e-mailed for a brand and period: makes the mailing task idempotent."""

    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="+")
    period = models.CharField(max_length=40)
    sent_at = models.DateTimeField(auto_now_add=True)
    recipients = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["brand", "period"], name="insights_report_once")]

    def __str__(self) -> str:
        return f"{self.brand_id} {self.period}"
