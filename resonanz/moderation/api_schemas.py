"""Request and response shapes of the moderation API."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

from ninja import Field, Schema

from resonanz.community.api import Text

Reason = Literal["abuse", "spam", "illegal", "privacy", "other"]
ActionName = Literal["hide", "remove", "restrict", "spam", "restore", "dismiss"]
ThreadActionName = Literal["hide", "remove", "lock", "unlock"]


class ReportIn(Schema):
    reason: Reason
    note: Annotated[Text, Field(max_length=2000)] = ""
    rule_number: Annotated[int, Field(ge=1, le=1000)] | None = Field(
        None, description="Number of the house rule (current version) the post breaks, in the reporter's view"
    )
    criticism: bool = Field(
        False, description="The post criticises the brand (puts it under the criticism guard)"
    )


class ReportOut(Schema):
    id: int
    post_id: int
    reason: str
    note: str
    status: str
    criticism: bool
    created_at: datetime


class ActionIn(Schema):
    action: ActionName
    rules: Annotated[list[Annotated[int, Field(ge=1, le=1000)]], Field(max_length=20)] = Field(
        default_factory=list, description="Numbers of the cited house rules (current version); at least one"
    )
    explanation: Annotated[Text, Field(max_length=2000)] = ""
    expected_state: Annotated[str, Field(max_length=80, pattern=r"^[\w.-]*$")] | None = Field(
        None, description="The post's ``state`` as read from the queue; a mismatch answers 409"
    )
    restrict_days: Annotated[int, Field(ge=1, le=365)] | None = None
    category: Annotated[str, Field(max_length=80)] = ""
    keywords: Annotated[list[Annotated[str, Field(max_length=60)]], Field(max_length=10)] = Field(
        default_factory=list
    )
    legal_ground: Annotated[Text, Field(max_length=500)] = ""
    facts: Annotated[Text, Field(max_length=3000)] = ""


class ThreadActionIn(Schema):
    action: ThreadActionName = Field(
        description="hide/remove: one decision per visible post (protected posts wait for a second "
        "moderator); lock/unlock: one decision about the thread"
    )
    rules: Annotated[list[Annotated[int, Field(ge=1, le=1000)]], Field(max_length=20)] = Field(
        default_factory=list, description="Numbers of the cited house rules (current version); at least one"
    )
    explanation: Annotated[Text, Field(max_length=2000)] = ""
    expected_state: Annotated[str, Field(max_length=80, pattern=r"^[\w.-]*$")] | None = Field(
        None, description="The thread's ``state`` as last read; a mismatch answers 409"
    )
    category: Annotated[str, Field(max_length=80)] = ""
    legal_ground: Annotated[Text, Field(max_length=500)] = ""
    facts: Annotated[Text, Field(max_length=3000)] = ""


class ReasonIn(Schema):
    reason: Annotated[Text, Field(max_length=2000)] = ""


class AppealIn(Schema):
    text: Annotated[Text, Field(max_length=4000)]


class AppealDecisionIn(Schema):
    outcome: Literal["upheld", "reversed"]
    reason: Annotated[Text, Field(max_length=2000)] = ""


class RuleOut(Schema):
    number: int
    title: str
    text: str
    content_independent: bool = Field(
        False, description="One moderator may act under this rule alone (spam, personal data, illegal)"
    )


class RulesOut(Schema):
    version: int | None
    published_at: datetime | None
    rules: list[RuleOut]
    versions: list[int]


class DecisionOut(Schema):
    """A decision with its statement of reasons (DSA field names)."""

    puid: str
    post_id: int | None
    action: str
    status: str
    four_eyes: bool
    criticism: bool
    protection: str = Field(
        "", description="Why the criticism guard protected the post (empty: confident abuse)"
    )
    guard_note: str = Field("", description="content_independent_rule: silenced under such rules alone")
    rules: list[str]
    explanation: str
    created_at: datetime
    effective_at: datetime | None
    decision_visibility: list[str]
    decision_account: str
    end_date_account_restriction: date | None
    decision_ground: str
    decision_ground_reference_url: str
    category: str
    category_specification: list[str]
    territorial_scope: list[str]
    content_date: date | None
    application_date: date | None
    decision_facts: str
    source_type: str
    automated_detection: str
    automated_decision: str


class ThreadDecisionsOut(Schema):
    """The decisions of a thread action: effective ones took effect, pending ones wait for approval."""

    thread_id: int
    state: str
    is_locked: bool
    visibility: str
    decisions: list[DecisionOut]


class QueueItemOut(Schema):
    post_id: int
    thread_title: str
    body: str
    visibility: str
    state: str
    flagged_at: datetime
    labels: dict[str, Any]
    criticism: bool
    protected: bool = Field(description="Silencing this post needs a second person (fails closed)")
    protection: str = Field("", description="Why it is protected, e.g. unclassified or not_confident_abuse")
    reports: list[ReportOut]
    automated: bool
    pending_decision: str | None


class AppealOut(Schema):
    id: int
    decision: str
    status: str
    text: str
    reason: str
    created_at: datetime
    decided_at: datetime | None


class LogEntryOut(Schema):
    seq: int
    kind: str
    created_at: datetime
    title: str
    payload: dict[str, Any]
    excerpt: str | None
    excerpt_state: str
    prev_hash: str
    entry_hash: str
