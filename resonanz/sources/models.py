"""A channel connects one source of posts to a brand; its secrets are stored encrypted."""

from __future__ import annotations

import uuid

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from resonanz.accounts.models import Brand
from resonanz.core.models import TimeStampedModel


class ChannelKind(models.TextChoices):
    COMMUNITY = "community", _("Own community")
    RSS = "rss", _("RSS/Atom feed")
    MASTODON = "mastodon", _("Mastodon")
    BLUESKY = "bluesky", _("Bluesky")
    EMAIL = "email", _("E-mail")
    WEBHOOK = "webhook", _("Signed webhook")
    IMPORT = "import", _("File import")


class Channel(TimeStampedModel):
    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="channels")
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(_("kind"), max_length=16, choices=ChannelKind.choices)
    name = models.CharField(_("name"), max_length=120)
    # Non-secret settings of the connector (feed URL, instance, hashtag, mailbox, column mapping …).
    config = models.JSONField(default=dict, blank=True)
    # Fernet token of a JSON object of secrets; never rendered back to anyone (see sources/crypto.py).
    credentials = models.TextField(blank=True, editable=False)
    # Where polling resumes (since_id, cursor, last UID …), owned by the connector.
    state = models.JSONField(default=dict, blank=True)
    enabled = models.BooleanField(_("enabled"), default=True)
    last_polled_at = models.DateTimeField(null=True, blank=True)
    next_poll_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    last_error_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["kind", "name"]
        constraints = [
            # One automatic community channel per brand.
            models.UniqueConstraint(
                fields=["brand"], condition=Q(kind="community"), name="sources_channel_one_community"
            )
        ]
        verbose_name = _("channel")
        verbose_name_plural = _("channels")

    def __str__(self) -> str:
        return f"{self.name} ({self.get_kind_display()})"

    @property
    def has_credentials(self) -> bool:
        return bool(self.credentials)


class DeadLetter(models.Model):
    """An item a channel could not read or process (a poison message), kept aside so the channel's
    cursor moves on; admins see it with its raw payload and retry or discard it.

    One row per (channel, fingerprint): the same broken item seen again counts an attempt instead of
    adding a row. The fingerprint is the external id when the connector knew it, else a hash of the raw
    payload.
    """

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        RESOLVED = "resolved", _("Resolved")
        DISCARDED = "discarded", _("Discarded")

    class Stage(models.TextChoices):
        PARSE = "parse", _("Reading")
        PROCESS = "process", _("Processing")

    channel = models.ForeignKey(Channel, on_delete=models.CASCADE, related_name="dead_letters")
    fingerprint = models.CharField(max_length=255)
    external_id = models.CharField(max_length=255, blank=True)
    where = models.CharField(max_length=255, blank=True)
    stage = models.CharField(max_length=10, choices=Stage.choices, default=Stage.PARSE)
    error = models.TextField()
    # The payload as the network sent it; may hold personal data, so only brand admins see it.
    raw = models.TextField(blank=True)
    # How ``raw`` encodes the original bytes (e-mails are bytes; latin-1 keeps any byte losslessly).
    raw_encoding = models.CharField(max_length=16, default="utf-8")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    attempts = models.PositiveIntegerField(default=1)
    first_seen_at = models.DateTimeField(default=timezone.now)
    last_seen_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-last_seen_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["channel", "fingerprint"], name="sources_deadletter_unique")
        ]
        indexes = [models.Index(fields=["channel", "status"], name="sources_deadletter_status")]
        verbose_name = _("dead letter")
        verbose_name_plural = _("dead letters")

    def __str__(self) -> str:
        return f"{self.channel_id}:{self.fingerprint} ({self.status})"
