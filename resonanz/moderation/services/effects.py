"""What happens when a decision takes effect: the post or author changes, the log and notices are written.

Always called inside the service's transaction, with the post row locked.
"""

from __future__ import annotations

import zoneinfo
from datetime import datetime, time
from typing import Any

from resonanz.community.models import Post, Thread, Visibility
from resonanz.community.services import sync_thread_visibility
from resonanz.moderation import clock
from resonanz.moderation.models import (
    RESTRICTING,
    THREAD_ACTIONS,
    Action,
    FreezeOverride,
    ModerationDecision,
    ModLogEntry,
    Notice,
    Report,
    Restriction,
)
from resonanz.moderation.services.log import append_entry, author_handle, excerpt_of, role_label
from resonanz.moderation.services.notices import notify

VISIBILITY_AFTER = {
    Action.HIDE: Visibility.HIDDEN,
    Action.REMOVE: Visibility.REMOVED,
    Action.SPAM: Visibility.REMOVED,
    Action.RESTORE: Visibility.VISIBLE,
}
# The post stays visible after these, so the log may quote it; everything else is never republished.
QUOTABLE = {Action.RESTORE, Action.DISMISS, Action.LOCK, Action.UNLOCK}
Status = ModerationDecision.Status


def decision_payload(decision: ModerationDecision) -> dict[str, Any]:
    """The public, canonical facts of a decision: roles instead of names, a pseudonymous author."""
    brand = decision.brand
    rules = decision.rules.select_related("version").order_by("number")
    restriction = getattr(decision, "restriction", None)
    return {
        "decision": decision.puid,
        "action": decision.action,
        "status": decision.status,
        "rules": [{"number": r.number, "version": r.version.number} for r in rules],
        "ground": decision.decision_ground,
        "category": decision.category,
        "source": decision.source_type,
        "automated_detection": decision.automated_detection == "Yes",
        "automated_decision": decision.automated_decision,
        "criticism": decision.criticism,
        "four_eyes": decision.four_eyes,
        # Why the criticism guard protected the post (None: the classifier was confident it is abuse),
        # and the marker of a protected post silenced under content-independent rules only.
        "protection": decision.protection or None,
        "guard": decision.guard_note or None,
        "decided_by_role": role_label(decision.decided_by, brand) or "automation",
        "approved_by_role": role_label(decision.approved_by, brand),
        "freeze_override": decision.freeze_override_id is not None,
        "author": author_handle(brand, decision.subject_id),
        "post": decision.post_id,
        "restricted_until": restriction.until.date().isoformat() if restriction else None,
        # The law relied on ("§ 185 StGB") is public information, unlike the moderated text.
        "legal_ground": decision.illegal_content_legal_ground or None,
    }


def set_visibility(post: Post, visibility: str) -> None:
    Post.objects.filter(pk=post.pk).update(visibility=visibility, updated_at=clock.now())
    post.visibility = visibility
    sync_thread_visibility(post.thread_id)


def _supersede_earlier(decision: ModerationDecision) -> None:
    """A new visibility decision replaces the earlier one on the same post (its record stays)."""
    if decision.action not in VISIBILITY_AFTER or decision.post_id is None:
        return
    ModerationDecision.objects.filter(
        post_id=decision.post_id, status=Status.EFFECTIVE, action__in=list(VISIBILITY_AFTER)
    ).exclude(pk=decision.pk).update(status=Status.SUPERSEDED, needs_review=False)


def _apply(decision: ModerationDecision, post: Post | None, at: datetime) -> None:
    if post is not None and decision.action in VISIBILITY_AFTER:
        set_visibility(post, VISIBILITY_AFTER[Action(decision.action)])
    if decision.action == Action.RESTRICT and decision.subject_id and decision.end_date_account_restriction:
        # The restriction ends when the end date begins in the brand's time zone (as the statement says).
        zone = zoneinfo.ZoneInfo(decision.brand.timezone)
        until = datetime.combine(decision.end_date_account_restriction, time.min, tzinfo=zone)
        Restriction.objects.create(
            brand=decision.brand, user_id=decision.subject_id, until=until, decision=decision
        )
    if decision.action in (Action.LOCK, Action.UNLOCK) and post is not None:
        Thread.objects.filter(pk=post.thread_id).update(is_locked=decision.action == Action.LOCK)
    if decision.freeze_override_id:
        FreezeOverride.objects.filter(pk=decision.freeze_override_id).update(used_at=at)


def _close_reports(decision: ModerationDecision) -> list[Report]:
    if decision.post_id is None or decision.action in THREAD_ACTIONS:  # reports are about the text
        return []
    reports = list(
        Report.objects.filter(post_id=decision.post_id, status=Report.Status.OPEN).select_related("reporter")
    )
    status = Report.Status.DISMISSED if decision.action in QUOTABLE else Report.Status.DECIDED
    Report.objects.filter(pk__in=[r.pk for r in reports]).update(status=status, decision=decision)
    return reports


def withdraw_excerpts(post: Post, *, at: datetime) -> int:
    """A post that is hidden or removed now is no longer quoted by earlier entries (a dismissed report,
    a restore, a rejected proposal): the excerpt outside the chain is emptied and a tombstone says when.
    Only the redactable columns change, so the chain stays intact."""
    return ModLogEntry.objects.filter(
        brand_id=post.brand_id, decision__post_id=post.pk, excerpt_state=ModLogEntry.ExcerptState.SHOWN
    ).update(excerpt="", excerpt_state=ModLogEntry.ExcerptState.WITHDRAWN, redacted_at=at)


def make_effective(decision: ModerationDecision, *, post: Post | None, at: datetime | None = None) -> None:
    """Apply a saved decision now: state change, log entry, notices — one transaction with the caller."""
    at = at or clock.now()
    decision.status, decision.effective_at = Status.EFFECTIVE, at
    decision.application_date = at.astimezone(zoneinfo.ZoneInfo(decision.brand.timezone)).date()
    decision.save(update_fields=["status", "effective_at", "application_date", "approved_by"])
    _supersede_earlier(decision)
    if post is not None and not decision.needs_review:  # a moderator has now looked at the post
        ModerationDecision.objects.filter(post=post, needs_review=True).update(needs_review=False)
    _apply(decision, post, at)
    reports = _close_reports(decision)
    quotable = decision.action in QUOTABLE
    if post is not None and VISIBILITY_AFTER.get(Action(decision.action)) not in (None, Visibility.VISIBLE):
        withdraw_excerpts(post, at=at)
    append_entry(
        decision.brand, kind=ModLogEntry.Kind.DECISION, payload=decision_payload(decision),
        excerpt=excerpt_of(post) if quotable else "", decision=decision, at=at,
        excerpt_state=ModLogEntry.ExcerptState.SHOWN if quotable else ModLogEntry.ExcerptState.WITHHELD,
    )  # fmt: skip
    if decision.action in RESTRICTING:
        notify(decision, recipient=decision.subject, kind=Notice.Kind.STATEMENT)
    for reporter in {r.reporter for r in reports if r.reporter is not None}:
        notify(decision, recipient=reporter, kind=Notice.Kind.REPORT_OUTCOME)
