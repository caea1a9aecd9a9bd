"""Moderation decisions with every field of a DSA statement of reasons, appeals, restrictions, notices."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from resonanz.accounts.models import Brand
from resonanz.community.models import Post
from resonanz.moderation import clock
from resonanz.moderation.models import dsa
from resonanz.moderation.models.brand_settings import FreezeOverride
from resonanz.moderation.models.rules import HouseRule


def new_puid() -> str:
    # Unique per platform, [A-Za-z0-9_-]; random so that statement pages cannot be enumerated.
    return f"rz-{uuid.uuid4().hex}"


def default_content_type() -> list[str]:
    return [dsa.ContentType.TEXT]


class Action(models.TextChoices):
    HIDE = "hide", _("Hide")
    REMOVE = "remove", _("Remove")
    RESTRICT = "restrict", _("Restrict the author")
    SPAM = "spam", _("Mark as spam")
    RESTORE = "restore", _("Restore")
    DISMISS = "dismiss", _("Dismiss the reports")
    LOCK = "lock", _("Lock the thread")
    UNLOCK = "unlock", _("Unlock the thread")


# Actions that silence a post or its author: the criticism guard and the deletion freeze apply to them.
SILENCING = {Action.HIDE, Action.REMOVE, Action.RESTRICT, Action.SPAM}
# Actions that restrict content or an account and therefore need a statement of reasons (DSA Art. 17).
RESTRICTING = SILENCING
# Actions on one post (the post action form and API); the thread actions go through act_on_thread.
POST_ACTIONS = {Action.HIDE, Action.REMOVE, Action.RESTRICT, Action.SPAM, Action.RESTORE, Action.DISMISS}
# Actions on a whole thread: locking stops everyone's replies, so the deletion freeze covers it too.
THREAD_ACTIONS = {Action.LOCK, Action.UNLOCK}


class ModerationDecision(models.Model):
    class Status(models.TextChoices):
        PENDING_APPROVAL = "pending_approval", _("Waiting for a second moderator")
        EFFECTIVE = "effective", _("Effective")
        REJECTED = "rejected", _("Rejected by the second moderator")
        REVERSED = "reversed", _("Reversed")
        SUPERSEDED = "superseded", _("Superseded by a later decision")

    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="moderation_decisions")
    post = models.ForeignKey(Post, null=True, on_delete=models.SET_NULL, related_name="decisions")
    subject = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="moderation_decisions", help_text=_("The author the decision is about."),
    )  # fmt: skip
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, db_index=True)
    rules = models.ManyToManyField(HouseRule, related_name="decisions", verbose_name=_("house rules"))
    explanation = models.TextField(_("explanation"), max_length=2000)
    criticism = models.BooleanField(_("criticism"), default=False)
    four_eyes = models.BooleanField(_("four eyes"), default=False)
    # Why the criticism guard protected the post when the decision was taken (protection.REASONS), or ""
    # when the classifier was confident it is abuse.
    protection = models.CharField(_("protected because"), max_length=32, blank=True)
    # "content_independent_rule" when a protected post was silenced without four eyes under such rules.
    guard_note = models.CharField(_("guard note"), max_length=32, blank=True)
    needs_review = models.BooleanField(default=False, help_text=_("Automated, waiting for a moderator."))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    rejected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    second_reason = models.TextField(_("reason of the second moderator"), blank=True, max_length=2000)
    freeze_override = models.OneToOneField(
        FreezeOverride, null=True, blank=True, on_delete=models.SET_NULL, related_name="decision"
    )
    created_at = models.DateTimeField(default=clock.now, db_index=True)
    effective_at = models.DateTimeField(null=True, blank=True, db_index=True)
    reversed_at = models.DateTimeField(null=True, blank=True)

    # --- the statement of reasons, field for field as in the DSA Transparency Database -------------
    puid = models.CharField(max_length=500, unique=True, default=new_puid, editable=False)
    decision_visibility = models.JSONField(default=list, blank=True)
    decision_visibility_other = models.CharField(max_length=500, blank=True)
    end_date_visibility_restriction = models.DateField(null=True, blank=True)
    decision_account = models.CharField(max_length=40, choices=dsa.DecisionAccount.choices, blank=True)
    end_date_account_restriction = models.DateField(null=True, blank=True)
    decision_provision = models.CharField(max_length=50, choices=dsa.DecisionProvision.choices, blank=True)
    decision_monetary = models.CharField(max_length=40, choices=dsa.DecisionMonetary.choices, blank=True)
    decision_ground = models.CharField(
        _("ground"), max_length=40, choices=dsa.DecisionGround.choices,
        default=dsa.DecisionGround.INCOMPATIBLE_CONTENT,
    )  # fmt: skip
    decision_ground_reference_url = models.CharField(max_length=500, blank=True)
    incompatible_content_ground = models.CharField(max_length=500, blank=True)
    incompatible_content_explanation = models.TextField(max_length=2000, blank=True)
    illegal_content_legal_ground = models.CharField(_("legal ground"), max_length=500, blank=True)
    illegal_content_explanation = models.TextField(max_length=2000, blank=True)
    content_type = models.JSONField(default=default_content_type)
    category = models.CharField(
        _("category"), max_length=80, choices=dsa.StatementCategory.choices,
        default=dsa.StatementCategory.OTHER_VIOLATION_TC,
    )  # fmt: skip
    category_specification = models.JSONField(default=list, blank=True)
    territorial_scope = models.JSONField(default=list)
    content_language = models.CharField(max_length=2, blank=True)
    content_date = models.DateField(null=True, blank=True)
    application_date = models.DateField(null=True, blank=True)
    decision_facts = models.TextField(max_length=5000, blank=True)
    source_type = models.CharField(max_length=40, choices=dsa.SourceType.choices)
    automated_detection = models.CharField(max_length=3, choices=dsa.AutomatedDetection.choices)
    automated_decision = models.CharField(max_length=40, choices=dsa.AutomatedDecision.choices)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["brand", "status", "effective_at"])]
        verbose_name = _("moderation decision")
        verbose_name_plural = _("moderation decisions")

    def __str__(self) -> str:
        return f"{self.get_action_display()} #{self.post_id} ({self.get_status_display()})"

    @property
    def is_automated(self) -> bool:
        return self.automated_detection == dsa.AutomatedDetection.YES


class Appeal(models.Model):
    """The author's complaint (DSA Art. 20): once per decision, decided by another person."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        UPHELD = "upheld", _("Decision upheld")
        REVERSED = "reversed", _("Decision reversed")

    decision = models.OneToOneField(ModerationDecision, on_delete=models.CASCADE, related_name="appeal")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="appeals"
    )
    text = models.TextField(_("your appeal"), max_length=4000)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN, db_index=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.TextField(_("reason"), blank=True, max_length=2000)
    created_at = models.DateTimeField(default=clock.now, db_index=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("appeal")
        verbose_name_plural = _("appeals")

    def __str__(self) -> str:
        return f"appeal #{self.pk} ({self.status})"


class Restriction(models.Model):
    """The author may not write in the brand's community until ``until`` (enforced by community services)."""

    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="restrictions")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="restrictions")
    until = models.DateTimeField()
    decision = models.OneToOneField(ModerationDecision, on_delete=models.CASCADE, related_name="restriction")
    lifted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["brand", "user", "until"])]
        verbose_name = _("restriction")
        verbose_name_plural = _("restrictions")

    def __str__(self) -> str:
        return f"{self.user_id} until {self.until:%Y-%m-%d}"


class Notice(models.Model):
    """A durable in-app notice (statement of reasons, appeal outcome, report outcome); mailed on commit."""

    class Kind(models.TextChoices):
        STATEMENT = "statement", _("Statement of reasons")
        APPEAL_OUTCOME = "appeal_outcome", _("Outcome of your appeal")
        REPORT_OUTCOME = "report_outcome", _("Outcome of your report")

    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="moderation_notices")
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="moderation_notices"
    )
    decision = models.ForeignKey(ModerationDecision, on_delete=models.CASCADE, related_name="notices")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    created_at = models.DateTimeField(default=clock.now, db_index=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("notice")
        verbose_name_plural = _("notices")

    def __str__(self) -> str:
        return f"{self.kind} to {self.recipient_id}"
