"""Reports of posts by members: a reason, optionally the house rule they think is broken."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from resonanz.accounts.models import Brand
from resonanz.community.models import Post
from resonanz.core.models import TimeStampedModel


class Report(TimeStampedModel):
    class Reason(models.TextChoices):
        ABUSE = "abuse", _("Insult, harassment or hate")
        SPAM = "spam", _("Spam or advertising")
        ILLEGAL = "illegal", _("Possibly illegal content")
        PRIVACY = "privacy", _("Personal data of others")
        OTHER = "other", _("Other")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        DECIDED = "decided", _("Decided")
        DISMISSED = "dismissed", _("Dismissed")

    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="reports")
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="reports")
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="reports"
    )
    reason = models.CharField(_("reason"), max_length=16, choices=Reason.choices)
    note = models.TextField(_("note"), blank=True, max_length=2000)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN, db_index=True)
    rule = models.ForeignKey(
        "moderation.HouseRule", null=True, blank=True, on_delete=models.PROTECT, related_name="reports",
        verbose_name=_("house rule"),
    )  # fmt: skip
    # The reporter says the post criticises the brand: the criticism guard then applies (four eyes),
    # whatever the classifier thinks. A reporter may find criticism off-topic and still be honest about it.
    criticism = models.BooleanField(_("the post criticises the brand"), default=False)
    # Raised by the automatic screening, not a person: the classifier flagged abuse without the measured
    # confidence that automation needs, so a moderator looks and nothing is hidden.
    automated = models.BooleanField(_("flagged by the automatic screening"), default=False)
    decision = models.ForeignKey(
        "moderation.ModerationDecision", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="reports",
    )  # fmt: skip

    class Meta:
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["post", "reporter"],
                condition=models.Q(status="open"),
                name="moderation_report_open_unique",
            )
        ]
        verbose_name = _("report")
        verbose_name_plural = _("reports")
