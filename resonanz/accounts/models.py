"""Users, brands (the tenants) and per-brand roles."""

from __future__ import annotations

import zoneinfo

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from resonanz.core.models import TimeStampedModel

handle_validator = RegexValidator(
    r"^[A-Za-z0-9_][A-Za-z0-9_.-]{1,29}$",
    _("2 to 30 characters: letters, digits, underscore, dot or hyphen."),
)


class User(AbstractUser):
    username = models.CharField(
        _("user name"), max_length=30, unique=True, validators=[handle_validator],
        help_text=_("Shown publicly and used for @mentions."),
    )  # fmt: skip
    display_name = models.CharField(_("display name"), max_length=80, blank=True)
    preferred_language = models.CharField(_("language"), max_length=8, blank=True)
    is_anonymised = models.BooleanField(default=False)
    # True by default so that accounts from before verification existed (and admins, demo and factory
    # users) count as verified; only sign_up() creates unverified accounts.
    email_verified = models.BooleanField(_("e-mail address confirmed"), default=True)
    # Mirrors a confirmed TwoFactor row, so the check on every request needs no extra query.
    second_factor_on = models.BooleanField(default=False, editable=False)

    class Meta:
        constraints = [models.UniqueConstraint(Lower("username"), name="accounts_user_username_ci_unique")]

    @property
    def public_name(self) -> str:
        return self.display_name or self.username


def validate_timezone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(_("Unknown time zone: %(value)s"), params={"value": value})


class Brand(TimeStampedModel):
    class DeletionPolicy(models.TextChoices):
        ANONYMISE = "anonymise", _("Anonymise posts of deleted accounts")
        REMOVE = "remove", _("Remove posts of deleted accounts")

    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    tagline = models.CharField(_("tagline"), max_length=200, blank=True)
    timezone = models.CharField(
        _("time zone"), max_length=64, default="Europe/Berlin", validators=[validate_timezone]
    )
    deletion_policy = models.CharField(
        _("when a member deletes their account"), max_length=16,
        choices=DeletionPolicy.choices, default=DeletionPolicy.ANONYMISE,
    )  # fmt: skip
    is_active = models.BooleanField(default=True)
    staff_require_second_factor = models.BooleanField(
        _("staff must use a second factor"), default=False,
        help_text=_("Moderators, managers and admins of this brand must switch on a second factor (TOTP)."),
    )  # fmt: skip

    class Meta:
        ordering = ["name"]
        verbose_name = _("brand")
        verbose_name_plural = _("brands")

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    """Roles per brand, ordered: each role may do what the roles before it may.

    The reviewer is outside that order: a person from outside the team whom a brand designates to give
    the second approval of the criticism guard. They rank as a member everywhere else (no agent or
    moderator powers); only the approval pages and services ask for the reviewer role by name.
    """

    MEMBER = "member", _("Member")
    AGENT = "agent", _("Agent")
    MODERATOR = "moderator", _("Moderator")
    MANAGER = "manager", _("Manager")
    ADMIN = "admin", _("Admin")
    REVIEWER = "reviewer", _("External reviewer")

    @property
    def rank(self) -> int:
        return ROLE_ORDER.index(Role.MEMBER if self == Role.REVIEWER else self)


ROLE_ORDER = [Role.MEMBER, Role.AGENT, Role.MODERATOR, Role.MANAGER, Role.ADMIN]


class Membership(TimeStampedModel):
    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.MEMBER)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["brand", "user"], name="accounts_membership_unique")]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")

    def __str__(self) -> str:
        return f"{self.user} @ {self.brand}: {self.role}"


class ApiToken(TimeStampedModel):
    """A personal API token; only its SHA-256 is stored, the plain token is shown once."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=80)
    prefix = models.CharField(max_length=12, db_index=True)
    key_hash = models.CharField(max_length=64, unique=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


class TwoFactor(TimeStampedModel):
    """A user's TOTP second factor. ``secret`` is a token of ``sources/crypto.py`` (never the plain
    base32 key); it counts only once ``confirmed_at`` is set, i.e. after the user typed a valid code."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="two_factor")
    secret = models.TextField()
    confirmed_at = models.DateTimeField(null=True, blank=True)
    # The last time step used, so a code cannot be replayed within its 90-second window.
    last_step = models.BigIntegerField(default=0)
    # SHA-256 hex digests of the unused recovery codes; a used one is removed.
    recovery_hashes = models.JSONField(default=list, blank=True)

    class Meta:
        verbose_name = _("second factor")
        verbose_name_plural = _("second factors")

    def __str__(self) -> str:
        return f"TOTP for {self.user}"
