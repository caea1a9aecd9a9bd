"""Alert endpoints of the REST API: list and read (agents+), acknowledge and resolve (managers+).

Mounted with ``api.add_router("/", router)``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Field, Router, Schema

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

router = Router(tags=["alerts"])
READ_ERRORS: dict[int | frozenset[int], Any] = {**NOT_FOUND, 403: ErrorOut}


class TopicOut(Schema):
    topic: str
    count: int
    lift: float


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
    crisis: bool

    @staticmethod
    def resolve_crisis(obj: Alert) -> bool:
        return hasattr(obj, "crisis")


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


@router.post("/brands/{brand_slug}/alerts/{alert_id}/resolve", response={200: AlertOut, **WRITE_ERRORS})
def resolve(request: HttpRequest, brand_slug: BrandSlug, alert_id: ObjectId, payload: ResolveIn) -> Any:
    """Resolve the alert (managers): ends crisis mode, writes the post-mortem, notifies webhooks."""
    return services.resolve_alert(
        _alert(request, brand_slug, alert_id), by=viewer_of(request), note=payload.note
    )
