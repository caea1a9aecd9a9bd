"""Inbox endpoints of the REST API: conversations (list, read, reply, assign, status, notes), saved
replies, and webhook endpoints for admins. Every read goes through the brand-scoped selectors."""

from datetime import datetime
from typing import Annotated, Any, Literal

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate
from ninja.responses import Status as HttpStatus

from resonanz.accounts.selectors import get_brand, get_user_by_handle
from resonanz.community.api import (
    NOT_FOUND,
    WRITE_ERRORS,
    BrandSlug,
    ErrorOut,
    ObjectId,
    Pages,
    Text,
    viewer_of,
)
from resonanz.inbox import confirm, selectors, services
from resonanz.inbox.models import Conversation, Message
from resonanz.inbox.selectors import ConversationFilter

router = Router(tags=["inbox"])
PREFIX = "/brands/{brand_slug}/inbox"


class ConversationOut(Schema):
    id: int
    channel: str
    channel_kind: str
    subject: str
    status: str
    priority: int
    assignee: str | None
    sentiment: str
    type: str
    criticism: bool
    uncertain: bool = Field(..., description="the classifier abstained on sentiment, abuse or criticism")
    confidence: dict[str, float] = Field(
        ..., description="calibrated probability of each label given (empty for labels stored before)"
    )
    needs_moderation: bool
    topics: list[str]
    customer: str
    excerpt: str
    message_count: int
    first_customer_at: datetime | None
    first_response_at: datetime | None
    due_at: datetime | None
    overdue: bool
    last_activity_at: datetime

    @staticmethod
    def resolve_channel(obj: Conversation) -> str:
        return obj.channel.name

    @staticmethod
    def resolve_channel_kind(obj: Conversation) -> str:
        return obj.channel.kind

    @staticmethod
    def resolve_assignee(obj: Conversation) -> str | None:
        return obj.assignee.username if obj.assignee else None

    @staticmethod
    def resolve_type(obj: Conversation) -> str:
        return obj.post_type

    @staticmethod
    def resolve_criticism(obj: Conversation) -> bool:
        return obj.is_criticism

    @staticmethod
    def resolve_uncertain(obj: Conversation) -> bool:
        return obj.is_uncertain

    @staticmethod
    def resolve_confidence(obj: Conversation) -> dict[str, float]:
        found = (obj.labels or {}).get("confidence") or {}
        return {str(k): float(v) for k, v in found.items() if isinstance(v, int | float)}

    @staticmethod
    def resolve_topics(obj: Conversation) -> list[str]:
        return obj.topic_list

    @staticmethod
    def resolve_customer(obj: Conversation) -> str:
        return obj.customer_handle

    @staticmethod
    def resolve_overdue(obj: Conversation) -> bool:
        return obj.is_overdue


class MessageOut(Schema):
    id: int
    direction: str
    is_automated: bool
    author: str
    text: str
    url: str
    external_id: str | None
    labels: dict[str, Any]
    model_version: str
    created_at: datetime
    delivery: str | None

    @staticmethod
    def resolve_author(obj: Message) -> str:
        return obj.author_handle

    @staticmethod
    def resolve_delivery(obj: Message) -> str | None:
        delivery = getattr(obj, "delivery", None)
        return delivery.status if delivery is not None else None


class NoteOut(Schema):
    id: int
    author: str | None
    text: str
    created_at: datetime

    @staticmethod
    def resolve_author(obj: Any) -> str | None:
        return obj.author.username if obj.author else None


class ConversationDetailOut(ConversationOut):
    messages: list[MessageOut]
    notes: list[NoteOut]

    @staticmethod
    def resolve_messages(obj: Conversation) -> list[Message]:
        return list(selectors.list_messages(obj))

    @staticmethod
    def resolve_notes(obj: Conversation) -> list[Any]:
        return list(selectors.list_notes(obj))


class ConversationFilterIn(Schema):
    status: Literal["active", "all", "new", "open", "waiting", "answered", "closed"] = "active"
    sentiment: Literal["", "positive", "negative", "neutral", "uncertain"] = ""
    criticism: bool | None = None
    moderation: bool | None = None
    uncertain: bool | None = None
    type: Literal["", "question", "complaint", "praise", "suggestion", "other"] = ""
    topic: str = Field("", max_length=60, pattern=r"^[^\x00|]*$")
    channel: int | None = Field(None, ge=1, le=2**63 - 1)
    assignee: str = Field("", max_length=30, pattern=r"^(|me|none|[0-9]+)$")
    overdue: bool = False
    q: str = Field("", max_length=200, pattern=r"^[^\x00]*$")
    sort: Literal["newest", "priority"] = "newest"


class ReplyIn(Schema):
    text: Annotated[Text, Field(min_length=1, max_length=10_000)]


class AssignIn(Schema):
    assignee: str | None = Field(None, max_length=30, description="user name; null unassigns")


class StatusIn(Schema):
    status: Literal["new", "open", "waiting", "answered", "closed"]


class NoteIn(Schema):
    text: Annotated[Text, Field(min_length=1, max_length=5000)]


class SavedReplyOut(Schema):
    id: int
    title: str
    body: str


class WebhookEndpointIn(Schema):
    url: str = Field(..., max_length=500)
    events: list[str] = []


class WebhookEndpointOut(Schema):
    id: int
    url: str
    events: list[str]
    enabled: bool


class WebhookEndpointCreatedOut(WebhookEndpointOut):
    secret: str = Field(..., description="The signing secret; shown only in this response.")


def _conversation(request: HttpRequest, brand_slug: str, conversation_id: int) -> Conversation:
    return selectors.get_conversation(get_brand(brand_slug), conversation_id, viewer=viewer_of(request))


@router.get(f"{PREFIX}/conversations", response={200: list[ConversationOut], **NOT_FOUND, 403: ErrorOut})
@paginate(Pages)
def list_conversations(
    request: HttpRequest, brand_slug: BrandSlug, filters: Query[ConversationFilterIn]
) -> Any:
    """The brand's conversations, newest first or by priority (overdue first); agents and up."""
    chosen = ConversationFilter(**filters.dict())
    return selectors.list_conversations(get_brand(brand_slug), viewer=viewer_of(request), filters=chosen)


@router.get(
    f"{PREFIX}/conversations/{{conversation_id}}",
    response={200: ConversationDetailOut, **NOT_FOUND, 403: ErrorOut},
)
def read_conversation(request: HttpRequest, brand_slug: BrandSlug, conversation_id: ObjectId) -> Any:
    return _conversation(request, brand_slug, conversation_id)


@router.post(f"{PREFIX}/conversations/{{conversation_id}}/reply", response={201: MessageOut, **WRITE_ERRORS})
def reply(request: HttpRequest, brand_slug: BrandSlug, conversation_id: ObjectId, payload: ReplyIn) -> Any:
    """Answer; it goes back through the channel where the channel supports it."""
    conversation = _conversation(request, brand_slug, conversation_id)
    return HttpStatus(
        201, services.reply_to_conversation(conversation, text=payload.text, by=viewer_of(request))
    )


@router.post(
    f"{PREFIX}/conversations/{{conversation_id}}/assign", response={200: ConversationOut, **WRITE_ERRORS}
)
def assign(request: HttpRequest, brand_slug: BrandSlug, conversation_id: ObjectId, payload: AssignIn) -> Any:
    conversation = _conversation(request, brand_slug, conversation_id)
    user = get_user_by_handle(payload.assignee) if payload.assignee else None
    return services.assign_conversation(conversation, to=user, by=viewer_of(request))


@router.post(
    f"{PREFIX}/conversations/{{conversation_id}}/status", response={200: ConversationOut, **WRITE_ERRORS}
)
def set_status(
    request: HttpRequest, brand_slug: BrandSlug, conversation_id: ObjectId, payload: StatusIn
) -> Any:
    conversation = _conversation(request, brand_slug, conversation_id)
    return services.set_status(conversation, status=payload.status, by=viewer_of(request))


@router.post(f"{PREFIX}/conversations/{{conversation_id}}/notes", response={201: NoteOut, **WRITE_ERRORS})
def add_note(request: HttpRequest, brand_slug: BrandSlug, conversation_id: ObjectId, payload: NoteIn) -> Any:
    conversation = _conversation(request, brand_slug, conversation_id)
    return HttpStatus(201, services.add_note(conversation, text=payload.text, by=viewer_of(request)))


@router.get(f"{PREFIX}/saved-replies", response={200: list[SavedReplyOut], **NOT_FOUND, 403: ErrorOut})
def saved_replies(request: HttpRequest, brand_slug: BrandSlug) -> Any:
    return selectors.list_saved_replies(get_brand(brand_slug), viewer=viewer_of(request))


@router.get(f"{PREFIX}/webhooks", response={200: list[WebhookEndpointOut], **NOT_FOUND, 403: ErrorOut})
def webhook_endpoints(request: HttpRequest, brand_slug: BrandSlug) -> Any:
    return selectors.list_webhook_endpoints(get_brand(brand_slug), viewer=viewer_of(request))


@router.post(f"{PREFIX}/webhooks", response={201: WebhookEndpointCreatedOut, **WRITE_ERRORS})
def create_webhook_endpoint(request: HttpRequest, brand_slug: BrandSlug, payload: WebhookEndpointIn) -> Any:
    endpoint, secret = services.create_webhook_endpoint(
        get_brand(brand_slug), url=payload.url, events=payload.events, by=viewer_of(request)
    )
    return HttpStatus(
        201,
        {
            "id": endpoint.pk,
            "url": endpoint.url,
            "events": endpoint.events,
            "enabled": endpoint.enabled,
            "secret": secret,
        },
    )


@router.delete(f"{PREFIX}/webhooks/{{endpoint_id}}", response={204: None, **WRITE_ERRORS})
def delete_webhook_endpoint(request: HttpRequest, brand_slug: BrandSlug, endpoint_id: ObjectId) -> Any:
    brand = get_brand(brand_slug)
    endpoint = selectors.get_webhook_endpoint(brand, endpoint_id, viewer=viewer_of(request))
    services.delete_webhook_endpoint(endpoint, by=viewer_of(request))
    return HttpStatus(204, None)


# --- confirm-first queue (active learning) -------------------------------------------------------------
class ConfirmItemOut(Schema):
    message_id: int
    conversation_id: int
    text: str
    created_at: datetime
    predicted: str = Field(..., description="the model's sentiment (negative, neutral, positive, uncertain)")
    scores: dict[str, float] = Field(..., description="calibrated sentiment probabilities")
    margin: float = Field(..., description="top probability minus the runner-up; small = unsure")
    uncertain: list[str] = Field(..., description="heads the model abstained on")


class ConfirmIn(Schema):
    task: Literal["sentiment", "abuse"] = "sentiment"
    label: Literal["negative", "neutral", "positive", "abusive", "not_abusive"] = Field(
        ..., description="sentiment: negative, neutral, positive; abuse: abusive, not_abusive"
    )


class ConfirmOut(Schema):
    id: int
    message_id: int
    task: str
    label: str
    previous_label: str
    agreed: bool = Field(..., description="the team gave the label the model had given")
    model_version: str
    created_at: datetime


@router.get(f"{PREFIX}/confirm-queue", response={200: list[ConfirmItemOut], **NOT_FOUND, 403: ErrorOut})
def confirm_queue(request: HttpRequest, brand_slug: BrandSlug, limit: int = Query(20, ge=1, le=100)) -> Any:
    """Recent incoming posts the model is least sure about, abstained first, then by smallest margin."""
    items = confirm.list_confirm_queue(get_brand(brand_slug), viewer=viewer_of(request), limit=limit)
    return [
        {
            "message_id": item.message.pk,
            "conversation_id": item.message.conversation_id,
            "text": item.message.text,
            "created_at": item.message.created_at,
            "predicted": item.predicted,
            "scores": item.scores,
            "margin": round(item.margin, 4),
            "uncertain": item.uncertain,
        }
        for item in items
    ]


@router.post(f"{PREFIX}/confirm-queue/{{message_id}}", response={201: ConfirmOut, **WRITE_ERRORS})
def confirm_label(
    request: HttpRequest, brand_slug: BrandSlug, message_id: ObjectId, payload: ConfirmIn
) -> Any:
    """Confirm or correct a post's sentiment (or, where the model was unsure, whether it is abusive);
    stored as a label correction the brand's model trains on."""
    brand = get_brand(brand_slug)
    message = confirm.get_queue_message(brand, message_id, viewer=viewer_of(request))
    found = confirm.confirm_label(
        brand, message, by=viewer_of(request), label=payload.label, task=payload.task
    )
    return HttpStatus(
        201,
        {
            "id": found.pk,
            "message_id": message.pk,
            "task": found.task,
            "label": found.label,
            "previous_label": found.previous_label,
            "agreed": found.label == found.previous_label,
            "model_version": found.model_version,
            "created_at": found.created_at,
        },
    )
