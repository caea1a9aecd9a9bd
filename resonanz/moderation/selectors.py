"""Moderation reads, scoped to one brand: rules, reports, the queue, decisions, appeals, the log."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Q, QuerySet

from resonanz.accounts.models import Brand, User
from resonanz.accounts.permissions import AnyUser
from resonanz.community.models import Post
from resonanz.core.errors import NotFound
from resonanz.moderation import clock, protection
from resonanz.moderation.models import (
    Appeal,
    HouseRule,
    HouseRuleVersion,
    ModerationDecision,
    ModLogEntry,
    Notice,
    Report,
    Restriction,
)

Status = ModerationDecision.Status


def list_own_reports(user: User, *, brand: Brand) -> QuerySet[Report]:
    return Report.objects.filter(brand=brand, reporter=user).select_related(
        "post", "post__thread", "post__thread__article", "rule", "rule__version", "decision"
    )


# --- house rules ------------------------------------------------------------------------------------


def get_current_rules(brand: Brand) -> HouseRuleVersion | None:
    return HouseRuleVersion.objects.filter(brand=brand).prefetch_related("rules").order_by("-number").first()


def list_rule_versions(brand: Brand) -> QuerySet[HouseRuleVersion]:
    return HouseRuleVersion.objects.filter(brand=brand).order_by("-number")


def get_rule_version(brand: Brand, number: int) -> HouseRuleVersion:
    version = HouseRuleVersion.objects.filter(brand=brand, number=number).prefetch_related("rules").first()
    if version is None:
        raise NotFound(f"unknown house rules version {number}")
    return version


def list_rules_by_ids(brand: Brand, ids: list[int]) -> list[HouseRule]:
    return list(HouseRule.objects.filter(version__brand=brand, pk__in=ids).select_related("version"))


def get_current_rule(brand: Brand, number: int) -> HouseRule | None:
    version = get_current_rules(brand)
    if version is None:
        return None
    return next((rule for rule in version.rules.all() if rule.number == number), None)


# --- the state of a post ----------------------------------------------------------------------------


def is_criticism(post: Post) -> bool:
    """Criticism by the classifier (negative, not abusive) or by a reporter's own account."""
    if (post.labels or {}).get("criticism") is True:
        return True
    return Report.objects.filter(post_id=post.pk, criticism=True).exists()


def latest_decision(post: Post) -> ModerationDecision | None:
    return (
        ModerationDecision.objects.filter(post_id=post.pk)
        .select_related("decided_by", "approved_by", "rejected_by")
        .order_by("-id")
        .first()
    )


def state_token(post: Post) -> str:
    """What a moderator saw: visibility plus the newest decision and its status (optimistic check)."""
    last = latest_decision(post)
    return f"{post.visibility}.{last.pk if last else 0}.{last.status if last else '-'}"


def pending_decision(post: Post) -> ModerationDecision | None:
    return ModerationDecision.objects.filter(post_id=post.pk, status=Status.PENDING_APPROVAL).first()


def active_restriction(user: AnyUser, brand: Brand) -> Restriction | None:
    """The restriction that keeps ``user`` from writing in ``brand`` now (community services call this)."""
    if not user.is_authenticated:
        return None
    return (
        Restriction.objects.filter(
            brand=brand, user_id=user.pk, until__gt=clock.now(), lifted_at__isnull=True
        )
        .order_by("-until")
        .first()
    )


# --- the queue --------------------------------------------------------------------------------------


@dataclass
class QueueItem:
    post: Post
    flagged_at: datetime
    reports: list[Report] = field(default_factory=list)
    automated: ModerationDecision | None = None
    pending: ModerationDecision | None = None
    # Why the criticism guard protects the post (protection.REASONS), None: confident abuse.
    protection: str | None = None

    @property
    def labels(self) -> dict[str, object]:
        return self.post.labels or {}

    @property
    def protection_text(self) -> str:
        return protection.reason_text(self.protection)


def list_queue(brand: Brand, *, limit: int = 100) -> list[QueueItem]:
    """Posts with open reports or an automatic hide awaiting review, oldest flag first."""
    reports = Report.objects.filter(brand=brand, status=Report.Status.OPEN).select_related(
        "rule", "rule__version"
    )
    auto = ModerationDecision.objects.filter(brand=brand, needs_review=True, status=Status.EFFECTIVE)
    items: dict[int, QueueItem] = {}
    posts = Post.objects.filter(
        Q(pk__in=reports.values("post_id")) | Q(pk__in=auto.values("post_id")), brand=brand
    ).select_related("thread", "author", "thread__article")
    for post in posts:
        items[post.pk] = QueueItem(post=post, flagged_at=post.created_at)
    for report in reports.filter(post_id__in=list(items)):
        items[report.post_id].reports.append(report)
    for decision in auto.filter(post_id__in=list(items)):
        items[decision.post_id].automated = decision  # type: ignore[index]
    for decision in ModerationDecision.objects.filter(
        post_id__in=list(items), status=Status.PENDING_APPROVAL
    ):
        items[decision.post_id].pending = decision  # type: ignore[index]
    reported = set(
        Report.objects.filter(post_id__in=list(items), criticism=True).values_list("post_id", flat=True)
    )
    for item in items.values():
        item.protection = protection.protection_reason(item.post, reported_criticism=item.post.pk in reported)
        times = [r.created_at for r in item.reports] + ([item.automated.created_at] if item.automated else [])
        item.flagged_at = min(times) if times else item.post.created_at
    return sorted(items.values(), key=lambda item: (item.flagged_at, item.post.pk))[:limit]


# --- decisions, appeals, notices --------------------------------------------------------------------


def decisions(brand: Brand) -> QuerySet[ModerationDecision]:
    return ModerationDecision.objects.filter(brand=brand).select_related(
        "post", "post__thread", "subject", "decided_by", "approved_by"
    )


def get_decision(brand: Brand, puid: str) -> ModerationDecision:
    decision = decisions(brand).filter(puid=puid).first()
    if decision is None:
        raise NotFound(f"unknown decision {puid}")
    return decision


def list_pending_approvals(brand: Brand) -> QuerySet[ModerationDecision]:
    return decisions(brand).filter(status=Status.PENDING_APPROVAL).order_by("created_at", "id")


def list_open_appeals(brand: Brand) -> QuerySet[Appeal]:
    return (
        Appeal.objects.filter(decision__brand=brand, status=Appeal.Status.OPEN)
        .select_related(
            "decision", "decision__post", "decision__decided_by", "decision__approved_by", "author"
        )
        .order_by("created_at", "id")
    )


def get_appeal(brand: Brand, appeal_id: int) -> Appeal:
    appeal = Appeal.objects.filter(decision__brand=brand, pk=appeal_id).select_related("decision").first()
    if appeal is None:
        raise NotFound(f"unknown appeal {appeal_id}")
    return appeal


def list_decisions_about(user: User, *, brand: Brand) -> QuerySet[ModerationDecision]:
    """Decisions concerning the user's posts or account (their statements of reasons)."""
    return (
        decisions(brand).filter(subject=user).exclude(status__in=[Status.PENDING_APPROVAL, Status.REJECTED])
    )


def list_notices(user: User, *, brand: Brand) -> QuerySet[Notice]:
    return Notice.objects.filter(brand=brand, recipient=user).select_related("decision")


# --- the public log ---------------------------------------------------------------------------------


def list_log_entries(brand: Brand) -> QuerySet[ModLogEntry]:
    return ModLogEntry.objects.filter(brand=brand).order_by("-seq")


def get_log_entry(brand: Brand, seq: int) -> ModLogEntry:
    entry = ModLogEntry.objects.filter(brand=brand, seq=seq).first()
    if entry is None:
        raise NotFound(f"unknown log entry {seq}")
    return entry


def appeal_outcomes(brand: Brand, puids: list[str]) -> dict[str, str]:
    """puid → appeal outcome, read from the log itself (so the public page shows only logged facts)."""
    outcomes: dict[str, str] = {}
    entries = ModLogEntry.objects.filter(brand=brand, kind=ModLogEntry.Kind.APPEAL).order_by("seq")
    for payload in entries.values_list("payload", flat=True):
        if payload.get("decision") in puids:
            outcomes[payload["decision"]] = payload.get("outcome", "")
    return outcomes
