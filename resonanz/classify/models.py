"""Label corrections: agents fix a predicted label; the corrections train the brand's model."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Task(models.TextChoices):
    SENTIMENT = "sentiment", _("Sentiment")
    ABUSE = "abuse", _("Abuse")
    RELEVANCE = "relevance", _("Relevance")
    PRAISE = "praise", _("Praise")
    ENGAGING = "engaging", _("Engaging")
    FACT_CLAIMING = "fact_claiming", _("Fact-claiming")
    TYPE = "type", _("Post type")


class LabelCorrection(models.Model):
    brand = models.ForeignKey("accounts.Brand", on_delete=models.CASCADE, related_name="label_corrections")
    text = models.TextField(_("text"))
    task = models.CharField(_("task"), max_length=20, choices=Task.choices)
    label = models.CharField(_("corrected label"), max_length=40)
    previous_label = models.CharField(_("predicted label"), max_length=40, blank=True)
    model_version = models.CharField(_("model version"), max_length=40, blank=True)
    corrected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    source_ref = models.CharField(_("source"), max_length=200, blank=True, help_text=_("e.g. inbox item id"))
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["brand", "task"])]
        verbose_name = _("label correction")
        verbose_name_plural = _("label corrections")

    def __str__(self) -> str:
        return f"{self.task}: {self.previous_label or '?'} → {self.label}"


class Topic(models.Model):
    """A brand-defined topic: posts match it by keyword or by similarity to its example posts.

    Topic names end up in every post's labels (``topics``) and are what the inbox filters on.
    """

    brand = models.ForeignKey("accounts.Brand", on_delete=models.CASCADE, related_name="topics")
    name = models.CharField(_("name"), max_length=60)
    keywords = models.JSONField(_("keywords"), default=list, blank=True)
    examples = models.JSONField(_("example posts"), default=list, blank=True)
    min_similarity = models.FloatField(_("minimum similarity"), default=0.3)
    active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "id"]
        constraints = [models.UniqueConstraint(fields=["brand", "name"], name="classify_topic_unique_name")]
        verbose_name = _("topic")
        verbose_name_plural = _("topics")

    def __str__(self) -> str:
        return self.name
