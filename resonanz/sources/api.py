"""Channel endpoints of the REST API: the dead letters of a channel (items it could not read or process),
with retry and discard. Brand admins only: the raw payload may hold personal data."""

from datetime import datetime
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from resonanz.accounts.selectors import get_brand
from resonanz.community.api import NOT_FOUND, WRITE_ERRORS, BrandSlug, ErrorOut, ObjectId, Pages, viewer_of
from resonanz.sources import dead_letters, selectors
from resonanz.sources.models import DeadLetter

router = Router(tags=["channels"])
PREFIX = "/brands/{brand_slug}"


class DeadLetterOut(Schema):
    id: int
    channel: int = Field(..., alias="channel_id")
    external_id: str = Field(..., description="The item's id at the source, when it could be read.")
    where: str = Field(..., description="Where the item was found (mail UID, feed entry, status id).")
    stage: Literal["parse", "process"] = Field(..., description="Failed while reading or while processing.")
    error: str
    raw: str = Field(..., description="The payload as the source sent it (brand admins only).")
    status: Literal["open", "resolved", "discarded"]
    attempts: int = Field(..., description="How often the item failed (polls and retries).")
    first_seen_at: datetime
    last_seen_at: datetime


class DeadLetterFilterIn(Schema):
    status: Literal["open", "resolved", "discarded", "all"] = "open"


def _letter(request: HttpRequest, brand_slug: str, letter_id: int) -> DeadLetter:
    return selectors.get_dead_letter(get_brand(brand_slug), letter_id, viewer=viewer_of(request))


@router.get(
    f"{PREFIX}/channels/{{channel_id}}/dead-letters",
    response={200: list[DeadLetterOut], **NOT_FOUND, 403: ErrorOut},
)
@paginate(Pages)
def list_dead_letters(
    request: HttpRequest, brand_slug: BrandSlug, channel_id: ObjectId, filters: Query[DeadLetterFilterIn]
) -> Any:
    """Items the channel could not read or process, newest first (open ones unless ``status`` says)."""
    brand = get_brand(brand_slug)
    channel = selectors.get_channel(brand, channel_id, viewer=viewer_of(request))
    status = None if filters.status == "all" else filters.status
    return selectors.list_dead_letters(brand, viewer=viewer_of(request), channel=channel, status=status)


@router.post(f"{PREFIX}/dead-letters/{{letter_id}}/retry", response={200: DeadLetterOut, **WRITE_ERRORS})
def retry_dead_letter(request: HttpRequest, brand_slug: BrandSlug, letter_id: ObjectId) -> Any:
    """Read the item again: ``resolved`` when it entered the inbox, else still ``open`` with the new error."""
    return dead_letters.retry_dead_letter(_letter(request, brand_slug, letter_id), by=viewer_of(request))


@router.post(f"{PREFIX}/dead-letters/{{letter_id}}/discard", response={200: DeadLetterOut, **WRITE_ERRORS})
def discard_dead_letter(request: HttpRequest, brand_slug: BrandSlug, letter_id: ObjectId) -> Any:
    """Give the item up; it stays listed as ``discarded`` and is not taken again if seen again."""
    return dead_letters.discard_dead_letter(_letter(request, brand_slug, letter_id), by=viewer_of(request))
