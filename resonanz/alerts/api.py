"""Alert endpoints of the REST API: list and read (agents+); acknowledge, crisis mode, resolve (managers+).

Mounted with ``api.add_router("/", router)``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Field, Router, Schema

from resonanz.accounts.models import User
from resonanz.accounts.selectors import get_brand
from resonanz.alerts import selectors, services
from resonanz.alerts.models import Alert
from resonanz.alerts.permissions import check_reader
from resonanz.community.api import (
    NOT_FOUND,
    TEXT_PATTERN,
    WRITE_ERRORS,
    BrandSlug,
    ErrorOut,
    ObjectId,
    viewer_of,
)
from resonanz.core.errors import InvalidInput

router = Router(tags=["alerts"])
READ_ERRORS: dict[int | frozenset[int], Any] = {**NOT_FOUND, 403: ErrorOut}


class TopicOut(Schema):
    topic: str
    count: int
    lift: float


class CrisisOut(Schema):
    active: bool
    opened_at: datetime
    ended_at: datetime | None
    freeze: bool
    escalated_to: list[str]
    status_article_id: int | None
    holding_statements: int


class AlertOut(Schema):
    id: int
    status: str
    window_start: datetime
    window_end: datetime
    observed: int
    expected: float
    p_value: float
    driving_topics: list[TopicOut]
    example_message_ids: list[int]
    opened_at: datetime
    acknowledged_at: datetime | None
    resolved_at: datetime | None
    resolution: str
    crisis: CrisisOut | None
    postmortem: dict[str, Any]

    @staticmethod
    def resolve_crisis(obj: Alert) -> dict[str, Any] | None:
        crisis = getattr(obj, "crisis", None)
        if crisis is None:
            return None
        return {
            "active": crisis.is_active,
            "opened_at": crisis.opened_at,
            "ended_at": crisis.ended_at,
            "freeze": crisis.freeze,
            "escalated_to": [p.public_name for p in crisis.escalated_to.all()],
            "status_article_id": crisis.status_article_id,
            "holding_statements": len(crisis.saved_reply_ids),
        }


class CrisisIn(Schema):
    freeze: bool = True
    escalate_to: Annotated[list[Annotated[str, Field(max_length=150)]], Field(max_length=50)] = Field(
        default_factory=list,
        description="usernames of the brand's managers; empty: the escalation list of the alert settings",
    )
    status_title: Annotated[str, Field("", max_length=200, pattern=TEXT_PATTERN)] = ""
    status_post: Annotated[str, Field("", max_length=20_000, pattern=TEXT_PATTERN)] = Field(
        "", description="Markdown; published on the brand's blog at once when given"
    )


class ResolveIn(Schema):
    note: Annotated[str, Field("", max_length=4000, pattern=TEXT_PATTERN)] = ""


def _alert(request: HttpRequest, brand_slug: str, alert_id: int) -> Alert:
    brand = get_brand(brand_slug)
    check_reader(viewer_of(request), brand)
    return selectors.get_alert(brand, alert_id)


@router.get("/brands/{brand_slug}/alerts", response={200: list[AlertOut], **READ_ERRORS})
def alerts(request: HttpRequest, brand_slug: BrandSlug) -> Any:
    """The brand's crisis alerts, newest first (at most 100)."""
    brand = get_brand(brand_slug)
    check_reader(viewer_of(request), brand)
    return list(selectors.list_alerts(brand)[:100])


@router.get("/brands/{brand_slug}/alerts/{alert_id}", response={200: AlertOut, **READ_ERRORS})
def alert_detail(request: HttpRequest, brand_slug: BrandSlug, alert_id: ObjectId) -> Any:
    return _alert(request, brand_slug, alert_id)


@router.post("/brands/{brand_slug}/alerts/{alert_id}/acknowledge", response={200: AlertOut, **WRITE_ERRORS})
def acknowledge(request: HttpRequest, brand_slug: BrandSlug, alert_id: ObjectId) -> Any:
    """Acknowledge an open alert (managers)."""
    return services.acknowledge_alert(_alert(request, brand_slug, alert_id), by=viewer_of(request))


@router.post("/brands/{brand_slug}/alerts/{alert_id}/crisis", response={200: AlertOut, **WRITE_ERRORS})
def open_crisis(request: HttpRequest, brand_slug: BrandSlug, alert_id: ObjectId, payload: CrisisIn) -> Any:
    """Switch the brand into crisis mode for this alert (managers): deletion freeze, holding statements in
    the inbox composer, escalation e-mails, optional public status post."""
    alert = _alert(request, brand_slug, alert_id)
    people = list(User.objects.filter(username__in=payload.escalate_to)) if payload.escalate_to else None
    if people is not None and len(people) != len(set(payload.escalate_to)):
        raise InvalidInput({"escalate_to": "unknown username"})
    services.open_crisis(
        alert,
        by=viewer_of(request),
        freeze=payload.freeze,
        status_post=payload.status_post,
        status_title=payload.status_title,
        escalate_to=people,
    )
    return selectors.get_alert(alert.brand, alert.pk)


@router.post("/brands/{brand_slug}/alerts/{alert_id}/resolve", response={200: AlertOut, **WRITE_ERRORS})
def resolve(request: HttpRequest, brand_slug: BrandSlug, alert_id: ObjectId, payload: ResolveIn) -> Any:
    """Resolve the alert (managers): ends crisis mode, writes the post-mortem, notifies webhooks."""
    return services.resolve_alert(
        _alert(request, brand_slug, alert_id), by=viewer_of(request), note=payload.note
    )
