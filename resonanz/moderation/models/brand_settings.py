"""Per-brand moderation settings: automation threshold, appeal window, deletion freeze, log head."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from resonanz.accounts.models import Brand
from resonanz.community.models import Post
from resonanz.moderation import clock


def default_scope() -> list[str]:
    return ["DE"]


def new_salt() -> str:
    return secrets.token_hex(32)


class ModerationSettings(models.Model):
    brand = models.OneToOneField(Brand, on_delete=models.CASCADE, related_name="moderation_settings")
    auto_hide_threshold = models.FloatField(
        _("hide automatically from abuse score"), default=0.9,
        validators=[MinValueValidator(0.0), MaxValueValidator(1.0)],
        help_text=_("Posts scored at least this abusive are hidden until a moderator looks."),
    )  # fmt: skip
    auto_hide_rule_number = models.PositiveIntegerField(
        _("rule cited by automatic hiding"), default=1,
        help_text=_("Number of the house rule against insults; automation cites it like a moderator would."),
    )  # fmt: skip
    # DSA Art. 20: complaints stay possible for at least six months after the decision.
    appeal_window_days = models.PositiveIntegerField(
        _("appeal window (days)"), default=180, validators=[MinValueValidator(180)]
    )
    # The second pair of eyes must be an established one: a role granted yesterday (a sock account) cannot
    # approve. Memberships that existed before role grants were recorded count as old enough.
    approver_min_role_days = models.PositiveIntegerField(
        _("approvers need their role for (days)"), default=7,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
        help_text=_("A moderator or reviewer can approve a proposal only after holding the role this long."),
    )  # fmt: skip
    deletion_freeze = models.BooleanField(_("deletion freeze"), default=False)
    freeze_reason = models.CharField(_("reason for the freeze"), max_length=500, blank=True)
    freeze_changed_at = models.DateTimeField(null=True, blank=True)
    territorial_scope = models.JSONField(_("territorial scope"), default=default_scope)
    # Salt of the pseudonymous author handles and excerpt digests in the public log; never shown.
    log_salt = models.CharField(max_length=64, default=new_salt, editable=False)
    # The head of the hash chain, so that cutting off the newest entries is detected too.
    log_head_seq = models.PositiveBigIntegerField(default=0, editable=False)
    log_head_hash = models.CharField(max_length=64, blank=True, editable=False)

    class Meta:
        verbose_name = _("moderation settings")
        verbose_name_plural = _("moderation settings")

    def __str__(self) -> str:
        return f"{self.brand}"


class FreezeOverride(models.Model):
    """A manager's explicit, publicly logged permission to hide or remove one criticised post in a freeze."""

    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="freeze_overrides")
    post = models.ForeignKey(Post, null=True, on_delete=models.SET_NULL, related_name="freeze_overrides")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    reason = models.CharField(_("reason"), max_length=500)
    created_at = models.DateTimeField(default=clock.now)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("freeze override")
        verbose_name_plural = _("freeze overrides")

    def __str__(self) -> str:
        return f"override #{self.pk} for post {self.post_id}"
