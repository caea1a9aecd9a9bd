"""Classification endpoints of the REST API (agents of a brand and above).

Mount with ``api.add_router("/", router)``: ``POST /brands/{slug}/classify`` and
``POST /brands/{slug}/corrections``.
"""

from datetime import datetime
from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Field, Router, Schema
from ninja.responses import Status

from resonanz.accounts.models import Role
from resonanz.accounts.permissions import check_authenticated, check_role
from resonanz.accounts.selectors import get_brand
from resonanz.classify import services
from resonanz.classify.models import Task
from resonanz.community.api import WRITE_ERRORS, BrandSlug, viewer_of

router = Router(tags=["classify"])
ClassifyText = Annotated[str, Field(min_length=1, max_length=services.MAX_TEXT)]


class ClassifyIn(Schema):
    text: ClassifyText


class EvidenceOut(Schema):
    feature: str | None = None
    weight: float | None = None
    rule: str | None = None
    topic: str | None = None


class ClassificationOut(Schema):
    language: str
    sentiment: str
    sentiment_scores: dict[str, float]
    abuse: bool
    abuse_score: float
    criticism: bool
    praise: bool
    praise_score: float
    engaging: bool
    engaging_score: float
    fact_claiming: bool
    fact_claiming_score: float
    relevant: bool
    relevance_score: float
    aspects: list[str]
    aspect_scores: dict[str, float]
    type: str
    topics: list[str]
    explanations: dict[str, list[EvidenceOut]]
    model_version: str
    missing_models: list[str]


class CorrectionIn(Schema):
    task: Task
    label: Annotated[str, Field(min_length=1, max_length=40)]
    text: ClassifyText
    previous_label: Annotated[str, Field(max_length=40)] = ""
    model_version: Annotated[str, Field(max_length=40)] = ""
    source_ref: Annotated[str, Field(max_length=200)] = ""


class CorrectionOut(Schema):
    id: int
    task: str
    label: str
    previous_label: str
    model_version: str
    created_at: datetime


@router.post("/brands/{brand_slug}/classify", response={200: ClassificationOut, **WRITE_ERRORS})
def classify(request: HttpRequest, brand_slug: BrandSlug, payload: ClassifyIn) -> Any:
    """All labels of a text with scores, explanations and the model version (agents and above)."""
    brand = get_brand(brand_slug)
    check_role(check_authenticated(viewer_of(request)), brand, Role.AGENT)
    return services.classify_post(payload.text, brand_slug=brand.slug).to_dict()


@router.post("/brands/{brand_slug}/corrections", response={201: CorrectionOut, **WRITE_ERRORS})
def correct(request: HttpRequest, brand_slug: BrandSlug, payload: CorrectionIn) -> Any:
    """Correct a predicted label; corrections train the brand's model (``resonanz train --brand``)."""
    brand = get_brand(brand_slug)
    user = check_authenticated(viewer_of(request))
    check_role(user, brand, Role.AGENT)
    correction = services.record_correction(
        brand=brand,
        task=payload.task,
        label=payload.label,
        text=payload.text,
        by=user,
        previous_label=payload.previous_label,
        model_version=payload.model_version,
        source_ref=payload.source_ref,
    )
    return Status(201, correction)
