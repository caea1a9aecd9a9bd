"""Classification endpoints of the REST API (agents of a brand and above; topics: managers write).

Mount with ``api.add_router("/", router)``: ``POST /brands/{slug}/classify`` (one text),
``POST /brands/{slug}/classify/batch`` (up to 1000 texts), ``POST /brands/{slug}/corrections``, and
``/brands/{slug}/topics`` (list, create) and ``/brands/{slug}/topics/{id}`` (read, change, delete).
Classification applies the brand's adapted model (if trained) and its active topics.
"""

from datetime import datetime
from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Field, Router, Schema
from ninja.responses import Status

from resonanz.accounts.models import Role
from resonanz.accounts.permissions import check_authenticated, check_role
from resonanz.accounts.selectors import get_brand
from resonanz.classify import selectors, services
from resonanz.classify.models import Task
from resonanz.community.api import NOT_FOUND, WRITE_ERRORS, BrandSlug, ErrorOut, ObjectId, viewer_of

router = Router(tags=["classify"])
ClassifyText = Annotated[str, Field(min_length=1, max_length=services.MAX_TEXT)]


class ClassifyIn(Schema):
    text: ClassifyText
    explain: bool = True


class ClassifyBatchIn(Schema):
    texts: Annotated[list[ClassifyText], Field(min_length=1, max_length=services.MAX_BATCH)]
    explain: bool = False


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
    abuse_confident: bool = False
    uncertain: list[str] = []
    confidence: dict[str, float] = {}


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
    return services.classify_post(payload.text, brand_slug=brand.slug, explain=payload.explain).to_dict()


@router.post("/brands/{brand_slug}/classify/batch", response={200: list[ClassificationOut], **WRITE_ERRORS})
def classify_batch(request: HttpRequest, brand_slug: BrandSlug, payload: ClassifyBatchIn) -> Any:
    """Labels of up to 1000 texts in one pass, in input order (explanations off unless asked for)."""
    brand = get_brand(brand_slug)
    check_role(check_authenticated(viewer_of(request)), brand, Role.AGENT)
    results = services.classify_many(payload.texts, brand_slug=brand.slug, explain=payload.explain)
    return [r.to_dict() for r in results]


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


# --- brand-defined topics ---------------------------------------------------------------------------
Keyword = Annotated[str, Field(min_length=1, max_length=services.MAX_KEYWORD_CHARS)]
Example = Annotated[str, Field(min_length=1, max_length=services.MAX_EXAMPLE_CHARS)]
Similarity = Annotated[float, Field(ge=services.SIMILARITY_RANGE[0], le=services.SIMILARITY_RANGE[1])]


class TopicIn(Schema):
    name: Annotated[str, Field(min_length=1, max_length=60)]
    keywords: Annotated[list[Keyword], Field(max_length=services.MAX_KEYWORDS)] = []
    examples: Annotated[list[Example], Field(max_length=services.MAX_EXAMPLES)] = []
    min_similarity: Similarity = 0.3
    active: bool = True


class TopicPatch(Schema):
    name: Annotated[str, Field(min_length=1, max_length=60)] | None = None
    keywords: Annotated[list[Keyword], Field(max_length=services.MAX_KEYWORDS)] | None = None
    examples: Annotated[list[Example], Field(max_length=services.MAX_EXAMPLES)] | None = None
    min_similarity: Similarity | None = None
    active: bool | None = None


class TopicOut(Schema):
    id: int
    name: str
    keywords: list[str]
    examples: list[str]
    min_similarity: float
    active: bool
    created_at: datetime
    updated_at: datetime


TOPIC_PREFIX = "/brands/{brand_slug}/topics"


@router.get(TOPIC_PREFIX, response={200: list[TopicOut], **NOT_FOUND, 403: ErrorOut})
def list_topics(request: HttpRequest, brand_slug: BrandSlug) -> Any:
    """The brand's topics, active and inactive (agents and up)."""
    return selectors.list_topics(get_brand(brand_slug), viewer=viewer_of(request))


@router.post(TOPIC_PREFIX, response={201: TopicOut, **WRITE_ERRORS})
def create_topic(request: HttpRequest, brand_slug: BrandSlug, payload: TopicIn) -> Any:
    """Define a topic by keywords and/or example posts (managers and up)."""
    topic = services.create_topic(get_brand(brand_slug), by=viewer_of(request), **payload.dict())
    return Status(201, topic)


@router.get(TOPIC_PREFIX + "/{topic_id}", response={200: TopicOut, **NOT_FOUND, 403: ErrorOut})
def get_topic(request: HttpRequest, brand_slug: BrandSlug, topic_id: ObjectId) -> Any:
    return selectors.get_topic(get_brand(brand_slug), topic_id, viewer=viewer_of(request))


@router.patch(TOPIC_PREFIX + "/{topic_id}", response={200: TopicOut, **WRITE_ERRORS})
def update_topic(request: HttpRequest, brand_slug: BrandSlug, topic_id: ObjectId, payload: TopicPatch) -> Any:
    """Change the fields given (managers and up)."""
    topic = selectors.get_topic(get_brand(brand_slug), topic_id, viewer=viewer_of(request))
    return services.update_topic(topic, by=viewer_of(request), **payload.dict(exclude_unset=True))


@router.delete(TOPIC_PREFIX + "/{topic_id}", response={204: None, **WRITE_ERRORS})
def delete_topic(request: HttpRequest, brand_slug: BrandSlug, topic_id: ObjectId) -> Any:
    topic = selectors.get_topic(get_brand(brand_slug), topic_id, viewer=viewer_of(request))
    services.delete_topic(topic, by=viewer_of(request))
    return Status(204, None)
