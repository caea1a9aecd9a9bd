"""House rules: each published version is an immutable, numbered set; decisions cite a rule of a version."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from resonanz.accounts.models import Brand


class HouseRuleVersion(models.Model):
    """One published set of house rules. A change is a new version; older versions stay readable."""

    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="house_rule_versions")
    number = models.PositiveIntegerField(_("version"))
    change_note = models.CharField(_("what changed"), max_length=500, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    published_at = models.DateTimeField(_("published"), db_index=True)

    class Meta:
        ordering = ["brand", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["brand", "number"], name="moderation_rule_version_unique")
        ]
        verbose_name = _("house rules version")
        verbose_name_plural = _("house rules versions")

    def __str__(self) -> str:
        return f"{self.brand} v{self.number}"

    @property
    def content_independent_rules(self) -> list[HouseRule]:
        """The published list of rules one moderator may act under alone (uses prefetched rules)."""
        return [rule for rule in self.rules.all() if rule.content_independent]


class HouseRule(models.Model):
    version = models.ForeignKey(HouseRuleVersion, on_delete=models.CASCADE, related_name="rules")
    number = models.PositiveIntegerField(_("number"))
    title = models.CharField(_("title"), max_length=200)
    text = models.TextField(_("text"), max_length=4000)
    # Spam, someone else's personal data, illegal content: a breach visible without judging the opinion.
    # A silencing decision citing only such rules needs no second moderator (the log marks it when the
    # post was negative or uncertain); the list is published with the house rules.
    content_independent = models.BooleanField(_("content-independent"), default=False)

    class Meta:
        ordering = ["version", "number"]
        constraints = [
            models.UniqueConstraint(fields=["version", "number"], name="moderation_rule_number_unique")
        ]
        verbose_name = _("house rule")
        verbose_name_plural = _("house rules")

    def __str__(self) -> str:
        return f"§{self.number} {self.title}"

    @property
    def citation(self) -> str:
        """How the public log and the statement of reasons cite the rule: "§3 (v2)"."""
        return f"§{self.number} (v{self.version.number})"
