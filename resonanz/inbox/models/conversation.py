"""Conversations and their messages, internal notes and the event log that KPIs are computed from."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from resonanz.accounts.models import Brand
from resonanz.sources.models import Channel


class Status(models.TextChoices):
    NEW = "new", _("New")
    OPEN = "open", _("Open")
    WAITING = "waiting", _("Waiting")
    ANSWERED = "answered", _("Answered")
    CLOSED = "closed", _("Closed")


# Statuses that still need the team: only these can be overdue.
ACTIVE_STATUSES = (Status.NEW, Status.OPEN, Status.WAITING)


class Priority(models.IntegerChoices):
    LOW = 1, _("Low")
    NORMAL = 2, _("Normal")
    HIGH = 3, _("High")


class Direction(models.TextChoices):
    IN = "in", _("Incoming")
    OUT = "out", _("Outgoing")


class Conversation(models.Model):
    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="conversations")
    channel = models.ForeignKey(Channel, on_delete=models.CASCADE, related_name="conversations")
    thread_key = models.CharField(max_length=255)
    subject = models.CharField(max_length=200, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.NEW)
    priority = models.PositiveSmallIntegerField(
        _("priority"), choices=Priority.choices, default=Priority.NORMAL
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Label summary of the latest customer message, denormalised so filters use plain indexed columns.
    sentiment = models.CharField(max_length=10, blank=True)
    post_type = models.CharField(max_length=12, blank=True)
    is_criticism = models.BooleanField(default=False)
    # The classifier abstained on at least one head (sentiment, abuse, criticism) of the latest customer
    # message: shown as "unsicher" and asked about first in the confirm queue.
    is_uncertain = models.BooleanField(default=False)
    needs_moderation = models.BooleanField(default=False)
    topics = models.CharField(max_length=500, blank=True)  # "|topic|topic|" so one LIKE finds a topic
    labels = models.JSONField(default=dict, blank=True)
    customer_handle = models.CharField(max_length=255, blank=True)
    customer_name = models.CharField(max_length=255, blank=True)
    excerpt = models.CharField(max_length=240, blank=True)
    message_count = models.PositiveIntegerField(default=0)
    # The current measurement cycle: a reopened conversation starts a new one (see ConversationEvent).
    first_customer_at = models.DateTimeField(null=True, blank=True)
    first_response_at = models.DateTimeField(null=True, blank=True)
    due_at = models.DateTimeField(null=True, blank=True)
    last_activity_at = models.DateTimeField(default=timezone.now)
    created_at = models.DateTimeField(default=timezone.now)
    # Kept by the database: "still needs the team" as one indexed column, so the default list (the
    # active ones, newest or soonest due first) walks an index instead of sorting every active row.
    is_active = models.GeneratedField(
        expression=Q(status__in=[s.value for s in ACTIVE_STATUSES]),  # type: ignore[arg-type]  # a Q is a valid SQL expression here
        output_field=models.BooleanField(),
        db_persist=True,
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["channel", "thread_key"], name="inbox_conversation_thread_unique")
        ]
        indexes = [
            models.Index(fields=["brand", "status", "-last_activity_at"], name="inbox_conv_status_recent"),
            models.Index(fields=["brand", "is_active", "-last_activity_at"], name="inbox_conv_active_recent"),
            models.Index(fields=["brand", "is_active", "due_at"], name="inbox_conv_active_due"),
            models.Index(fields=["brand", "-last_activity_at"], name="inbox_conv_recent"),
            # "Assigned to me", newest first, walks this in order instead of sorting all of my history.
            models.Index(fields=["brand", "assignee", "-last_activity_at"], name="inbox_conv_assigned"),
        ]
        verbose_name = _("conversation")
        verbose_name_plural = _("conversations")

    def __str__(self) -> str:
        return f"#{self.pk} {self.subject or self.excerpt[:40]}"

    @property
    def is_overdue(self) -> bool:
        return bool(self.due_at and self.status in ACTIVE_STATUSES and self.due_at < timezone.now())

    @property
    def topic_list(self) -> list[str]:
        return [t for t in self.topics.split("|") if t]


class Message(models.Model):
    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="messages")
    channel = models.ForeignKey(Channel, on_delete=models.CASCADE, related_name="messages")
    direction = models.CharField(max_length=3, choices=Direction.choices)
    # Bots and auto-answers never count for response KPIs.
    is_automated = models.BooleanField(default=False)
    author_handle = models.CharField(max_length=255, blank=True)
    author_name = models.CharField(max_length=255, blank=True)
    author_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    text = models.TextField()
    url = models.URLField(max_length=1000, blank=True)
    # NULL until an answer is delivered: NULLs never collide in the unique constraint, "" would.
    external_id = models.CharField(max_length=255, null=True, blank=True)  # noqa: DJ001
    in_reply_to = models.CharField(max_length=255, blank=True)
    labels = models.JSONField(default=dict, blank=True)
    model_version = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            # The exactly-once guarantee: one message per post of a channel, however often it is seen.
            models.UniqueConstraint(fields=["channel", "external_id"], name="inbox_message_external_unique")
        ]
        indexes = [models.Index(fields=["conversation", "created_at"], name="inbox_msg_conv_time")]

    def __str__(self) -> str:
        return f"{self.direction} {self.external_id or self.pk}"


class Note(models.Model):
    """An internal note of the team; never sent anywhere."""

    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    text = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"note {self.pk} on {self.conversation_id}"


class ConversationEvent(models.Model):
    """What happened when; ``reopened`` starts a new response-time measurement for KPIs."""

    class Kind(models.TextChoices):
        CREATED = "created", _("Created")
        ASSIGNED = "assigned", _("Assigned")
        STATUS_CHANGED = "status_changed", _("Status changed")
        ANSWERED = "answered", _("Answered")
        REOPENED = "reopened", _("Reopened")
        NOTE = "note", _("Note added")
        DELIVERY_FAILED = "delivery_failed", _("Delivery failed")
        MODERATED = "moderated", _("Moderation checked")

    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["conversation", "kind"], name="inbox_event_conv_kind")]

    def __str__(self) -> str:
        return f"{self.kind} on {self.conversation_id}"
