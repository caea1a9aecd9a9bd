"""Moderation endpoints of the REST API: reports, the queue, actions, four eyes, appeals, the public log,
house rules, the transparency report and the DSA export. Each parses, calls one service or selector."""

from typing import Annotated, Any

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Path, Query, Router
from ninja.pagination import paginate
from ninja.responses import Status

from resonanz.accounts.models import Brand, Role
from resonanz.accounts.permissions import check_authenticated, check_role
from resonanz.accounts.selectors import get_brand
from resonanz.api import optional_auth
from resonanz.community.api import NOT_FOUND, WRITE_ERRORS, BrandSlug, ObjectId, Pages, user_of, viewer_of
from resonanz.community.selectors import get_post, get_thread
from resonanz.core.ratelimit import check_rate, client_key
from resonanz.moderation import dsa_export, logtext, selectors, services, transparency
from resonanz.moderation.api_schemas import (
    ActionIn,
    AppealDecisionIn,
    AppealIn,
    AppealOut,
    DecisionOut,
    LogEntryOut,
    QueueItemOut,
    ReasonIn,
    ReportIn,
    ReportOut,
    RulesOut,
    ThreadActionIn,
    ThreadDecisionsOut,
)
from resonanz.moderation.errors import RuleRequired
from resonanz.moderation.models import Appeal, HouseRule, ModerationDecision, ModLogEntry
from resonanz.moderation.periods import PERIOD_PATTERN, parse_period
from resonanz.moderation.services.approvers import check_approving_role

router = Router(tags=["moderation"])
Puid = Annotated[str, Path(pattern=r"^[A-Za-z0-9_-]+$", max_length=100, description="The decision's puid")]
PeriodQuery = Annotated[
    str, Query(pattern=PERIOD_PATTERN, max_length=30, description="2026-10, 2026-Q4 or 2026")
]
READ_ERRORS: dict[int | frozenset[int], Any] = {**NOT_FOUND, 403: Any}


def _staff_brand(request: HttpRequest, brand_slug: str, role: Role = Role.MODERATOR) -> Brand:
    brand = get_brand(brand_slug)
    check_role(viewer_of(request), brand, role)
    return brand


def _approver_brand(request: HttpRequest, brand_slug: str) -> Brand:
    """Moderators and the brand's external reviewer (who sees the pending proposals and nothing else)."""
    brand = get_brand(brand_slug)
    check_approving_role(check_authenticated(viewer_of(request)), brand)
    return brand


def _current_rules(brand: Brand, numbers: list[int]) -> list[HouseRule]:
    version = selectors.get_current_rules(brand)
    by_number = {rule.number: rule for rule in version.rules.all()} if version else {}
    if not numbers or any(n not in by_number for n in numbers):
        raise RuleRequired(_("Please cite at least one house rule of this community."))
    return [by_number[n] for n in numbers]


def decision_out(decision: ModerationDecision) -> dict[str, Any]:
    rules = decision.rules.select_related("version").order_by("number")
    fields = {name: getattr(decision, name) for name in DecisionOut.model_fields if hasattr(decision, name)}
    return {**fields, "rules": [rule.citation for rule in rules]}


@router.post("/brands/{brand_slug}/posts/{post_id}/reports", response={201: ReportOut, **WRITE_ERRORS})
def report(request: HttpRequest, brand_slug: BrandSlug, post_id: ObjectId, payload: ReportIn) -> Any:
    """Report a post to the moderators (once per post while the report is open)."""
    viewer = viewer_of(request)
    post = get_post(get_brand(brand_slug), post_id, viewer=viewer)
    check_rate("report", client_key(request))
    rule = _current_rules(post.brand, [payload.rule_number])[0] if payload.rule_number else None
    return Status(
        201,
        services.report_post(
            post, reason=payload.reason, note=payload.note, by=viewer, rule=rule, criticism=payload.criticism
        ),
    )


@router.get("/brands/{brand_slug}/reports/mine", response={200: list[ReportOut], **NOT_FOUND})
@paginate(Pages)
def my_reports(request: HttpRequest, brand_slug: BrandSlug) -> Any:
    """Your reports in this brand and their status."""
    return selectors.list_own_reports(user_of(request), brand=get_brand(brand_slug)).order_by("-created_at")


@router.get("/brands/{brand_slug}/moderation/queue", response={200: list[QueueItemOut], **READ_ERRORS})
def queue(request: HttpRequest, brand_slug: BrandSlug) -> Any:
    """Reported and automatically hidden posts, oldest flag first (moderators)."""
    brand = _staff_brand(request, brand_slug)
    return [
        {
            "post_id": item.post.pk, "thread_title": item.post.thread.title, "body": item.post.body,
            "visibility": item.post.visibility, "state": selectors.state_token(item.post),
            "flagged_at": item.flagged_at, "labels": item.labels,
            "criticism": selectors.is_criticism(item.post), "reports": item.reports,
            "protected": bool(item.protection), "protection": item.protection or "",
            "automated": item.automated is not None,
            "pending_decision": item.pending.puid if item.pending else None,
        }
        for item in selectors.list_queue(brand)
    ]  # fmt: skip


@router.post(
    "/brands/{brand_slug}/moderation/posts/{post_id}/actions", response={201: DecisionOut, **WRITE_ERRORS}
)
def act(request: HttpRequest, brand_slug: BrandSlug, post_id: ObjectId, payload: ActionIn) -> Any:
    """Act on a post; answers the decision, which is ``pending_approval`` when the criticism guard applies."""
    brand = _staff_brand(request, brand_slug)
    post = get_post(brand, post_id, viewer=viewer_of(request))
    data = payload.dict()
    data["rules"] = _current_rules(brand, data.pop("rules"))
    return Status(201, decision_out(services.act_on_post(post, by=viewer_of(request), **data)))


@router.post(
    "/brands/{brand_slug}/moderation/threads/{thread_id}/actions",
    response={201: ThreadDecisionsOut, **WRITE_ERRORS},
)
def act_on_thread(
    request: HttpRequest, brand_slug: BrandSlug, thread_id: ObjectId, payload: ThreadActionIn
) -> Any:
    """Hide, remove, lock or unlock a thread; all or nothing. Hiding decides about every visible post."""
    brand = _staff_brand(request, brand_slug)
    thread = get_thread(brand, thread_id, viewer=viewer_of(request))
    data = payload.dict()
    data["rules"] = _current_rules(brand, data.pop("rules"))
    result = services.act_on_thread(thread, by=viewer_of(request), **data)
    thread.refresh_from_db(fields=["is_locked", "visibility"])
    return Status(201, {
        "thread_id": thread.pk, "state": services.thread_state_token(thread), "is_locked": thread.is_locked,
        "visibility": thread.visibility, "decisions": [decision_out(d) for d in result.decisions],
    })  # fmt: skip


@router.get("/brands/{brand_slug}/moderation/approvals", response={200: list[DecisionOut], **READ_ERRORS})
def approvals(request: HttpRequest, brand_slug: BrandSlug) -> Any:
    """Proposals waiting for a second person (moderators and the external reviewer)."""
    brand = _approver_brand(request, brand_slug)
    return [decision_out(d) for d in selectors.list_pending_approvals(brand)[:200]]


@router.post(
    "/brands/{brand_slug}/moderation/decisions/{puid}/approve", response={200: DecisionOut, **WRITE_ERRORS}
)
def approve(request: HttpRequest, brand_slug: BrandSlug, puid: Puid) -> Any:
    brand = _approver_brand(request, brand_slug)
    decision = services.approve_decision(selectors.get_decision(brand, puid), by=viewer_of(request))
    return decision_out(decision)


@router.post(
    "/brands/{brand_slug}/moderation/decisions/{puid}/reject", response={200: DecisionOut, **WRITE_ERRORS}
)
def reject(request: HttpRequest, brand_slug: BrandSlug, puid: Puid, payload: ReasonIn) -> Any:
    brand = _approver_brand(request, brand_slug)
    decision = selectors.get_decision(brand, puid)
    return decision_out(services.reject_decision(decision, by=viewer_of(request), reason=payload.reason))


@router.get("/brands/{brand_slug}/moderation/decisions/{puid}", response={200: DecisionOut, **READ_ERRORS})
def statement(request: HttpRequest, brand_slug: BrandSlug, puid: Puid) -> Any:
    """The statement of reasons, for the author concerned and the brand's moderators."""
    brand, viewer = get_brand(brand_slug), user_of(request)
    decision = selectors.get_decision(brand, puid)
    if decision.subject_id != viewer.pk:
        check_role(viewer, brand, Role.MODERATOR)
    return decision_out(decision)


@router.post(
    "/brands/{brand_slug}/moderation/decisions/{puid}/appeal", response={201: AppealOut, **WRITE_ERRORS}
)
def appeal(request: HttpRequest, brand_slug: BrandSlug, puid: Puid, payload: AppealIn) -> Any:
    """Appeal a decision about your post (once, within the appeal window)."""
    decision = selectors.get_decision(get_brand(brand_slug), puid)
    item = services.open_appeal(decision, by=user_of(request), text=payload.text)
    return Status(201, appeal_out(item))


def appeal_out(item: Appeal) -> dict[str, Any]:
    return {
        "id": item.pk, "decision": item.decision.puid, "status": item.status, "text": item.text,
        "reason": item.reason, "created_at": item.created_at, "decided_at": item.decided_at,
    }  # fmt: skip


@router.get("/brands/{brand_slug}/moderation/appeals", response={200: list[AppealOut], **READ_ERRORS})
def open_appeals(request: HttpRequest, brand_slug: BrandSlug) -> Any:
    brand = _staff_brand(request, brand_slug)
    return [appeal_out(item) for item in selectors.list_open_appeals(brand)[:200]]


@router.post(
    "/brands/{brand_slug}/moderation/appeals/{appeal_id}/decision", response={200: AppealOut, **WRITE_ERRORS}
)
def decide_appeal(
    request: HttpRequest, brand_slug: BrandSlug, appeal_id: ObjectId, payload: AppealDecisionIn
) -> Any:
    """Decide an appeal; the decider must not have made or approved the decision."""
    brand = _staff_brand(request, brand_slug)
    item = selectors.get_appeal(brand, appeal_id)
    return appeal_out(
        services.decide_appeal(item, by=viewer_of(request), outcome=payload.outcome, reason=payload.reason)
    )


@router.get(
    "/brands/{brand_slug}/moderation/log", response={200: list[LogEntryOut], **NOT_FOUND}, auth=optional_auth
)
@paginate(Pages)
def log(request: HttpRequest, brand_slug: BrandSlug) -> Any:
    """The public moderation log, newest first, with the hashes to verify the chain."""
    return [log_out(entry) for entry in selectors.list_log_entries(get_brand(brand_slug))]


def log_out(entry: ModLogEntry) -> dict[str, Any]:
    shown = entry.excerpt_state == ModLogEntry.ExcerptState.SHOWN
    return {
        "seq": entry.seq, "kind": entry.kind, "created_at": entry.created_at,
        "title": logtext.entry_title(entry), "payload": entry.payload,
        "excerpt": entry.excerpt if shown else None, "excerpt_state": entry.excerpt_state,
        "prev_hash": entry.prev_hash, "entry_hash": entry.entry_hash,
    }  # fmt: skip


@router.get(
    "/brands/{brand_slug}/moderation/rules", response={200: RulesOut, **NOT_FOUND}, auth=optional_auth
)
def rules(request: HttpRequest, brand_slug: BrandSlug) -> Any:
    """The current house rules and the numbers of all published versions."""
    brand = get_brand(brand_slug)
    version = selectors.get_current_rules(brand)
    return {
        "version": version.number if version else None,
        "published_at": version.published_at if version else None,
        "rules": list(version.rules.all()) if version else [],
        "versions": list(selectors.list_rule_versions(brand).values_list("number", flat=True)),
    }


@router.get("/brands/{brand_slug}/moderation/transparency", response={200: Any, **READ_ERRORS})
def transparency_report(
    request: HttpRequest,
    brand_slug: BrandSlug,
    period: PeriodQuery,
    format: str = Query("json", pattern="^(json|csv)$"),
) -> Any:
    """The transparency report for a period (managers), as JSON or CSV."""
    brand = _staff_brand(request, brand_slug, Role.MANAGER)
    report = transparency.build_report(brand, parse_period(period, tz=brand.timezone))
    if format == "csv":
        return HttpResponse(transparency.report_csv(report), content_type="text/csv; charset=utf-8")
    return report


@router.get(
    "/brands/{brand_slug}/moderation/dsa-statements", response={200: list[dict[str, Any]], **READ_ERRORS}
)
def dsa_statements(request: HttpRequest, brand_slug: BrandSlug, period: PeriodQuery) -> Any:
    """Statements of reasons of the period in the DSA Transparency Database shape, in batches of ≤ 100."""
    brand = _staff_brand(request, brand_slug, Role.MANAGER)
    return dsa_export.batches(dsa_export.list_statements(brand, parse_period(period, tz=brand.timezone)))
