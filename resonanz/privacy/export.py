"""GDPR Art. 15/20: everything Resonanz holds about one person, as machine-readable JSON.

``SOURCES`` names, per model, the fields that point at the person; ``inbox`` messages and conversations
are found by the person's handles too (the community channel files posts under the username). A test
walks every model with a relation to the user model and fails unless it is here or in ``NOT_EXPORTED``
with a reason, so a new model cannot silently fall out of the export.
"""

from __future__ import annotations

import datetime
import decimal
import uuid
from typing import Any

from django.apps import apps
from django.db import models
from django.db.models import Q
from django.utils import timezone

from resonanz.accounts.models import User

# model label → the fields holding the person (a ForeignKey/OneToOne to the user model).
SOURCES: dict[str, tuple[str, ...]] = {
    "accounts.Membership": ("user",),
    "accounts.ApiToken": ("user",),
    "accounts.TwoFactor": ("user",),  # when it was switched on; never the key or the recovery codes
    "community.Thread": ("author",),
    "community.Post": ("author",),
    "community.Reaction": ("user",),
    "blog.Article": ("author",),
    "moderation.Report": ("reporter",),
    "moderation.Appeal": ("author", "decided_by"),
    "moderation.ModerationDecision": ("subject", "decided_by", "approved_by", "rejected_by"),
    "moderation.Restriction": ("user",),
    "moderation.Notice": ("recipient",),
    "moderation.RoleGrant": ("user", "granted_by"),
    "moderation.FreezeOverride": ("by",),
    "moderation.HouseRuleVersion": ("published_by",),
    "classify.LabelCorrection": ("corrected_by",),
    "classify.Topic": ("created_by",),
    "inbox.Conversation": ("assignee",),
    "inbox.Message": ("author_user",),
    "inbox.Note": ("author",),
    "inbox.ConversationEvent": ("actor",),
    "alerts.AlertSettings": ("escalate_to",),
    "alerts.Alert": ("acknowledged_by", "resolved_by"),
    "alerts.AlertEvent": ("actor",),
    "alerts.CrisisMode": ("opened_by", "escalated_to"),
    "admin.LogEntry": ("user",),
}

# Models with a relation to the user model that the export leaves out, each with the reason.
NOT_EXPORTED: dict[str, str] = {
    # The user model itself (its many-to-many groups and permissions): exported as ``account``.
    "accounts.User": "exported as account, with groups and permissions",
}

# model label → the text fields that hold a person's handle (not a foreign key).
HANDLE_FIELDS: dict[str, tuple[str, ...]] = {
    "inbox.Conversation": ("customer_handle",),
    "inbox.Message": ("author_handle",),
}

# Never exported, whatever the model: secrets and hashes are no information about the person and would
# let whoever obtains the file act as them.
SECRET_FIELDS = frozenset({"password", "key_hash", "secret", "credentials", "recovery_hashes"})


def handles_of(user: User) -> set[str]:
    """The names under which the person appears in channels: the forum username and the e-mail address."""
    return {h for h in (user.username, user.email) if h}


def _value(value: Any) -> Any:
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    return value


def _record(obj: models.Model, user: User) -> dict[str, Any]:
    row: dict[str, Any] = {}
    for f in obj._meta.concrete_fields:
        if f.name in SECRET_FIELDS:
            continue
        if f.is_relation:
            if f.related_model is User:
                target = getattr(obj, f.attname)
                # Other people's ids are theirs, not the requester's: say only whether it was the person.
                row[f.name] = None if target is None else ("you" if target == user.pk else "someone else")
            else:
                row[f.name] = getattr(obj, f.attname)
        else:
            row[f.name] = _value(getattr(obj, f.attname))
    return row


def _rows(label: str, condition: Q, user: User) -> list[dict[str, Any]]:
    model = apps.get_model(label)
    return [_record(obj, user) for obj in model._default_manager.filter(condition).distinct().order_by("pk")]


def export_person(user: User) -> dict[str, Any]:
    """Every record about ``user``: their account, then one list per model (empty lists included, so a
    reader sees what was looked at)."""
    handles = handles_of(user)
    data: dict[str, Any] = {
        "format": "resonanz-personal-data/1",
        "exported_at": timezone.now().isoformat(),
        "account": {
            "username": user.username,
            "email": user.email,
            "display_name": user.display_name,
            "date_joined": user.date_joined.isoformat(),
            "last_login": user.last_login.isoformat() if user.last_login else None,
            "is_staff": user.is_staff,
            "groups": list(user.groups.values_list("name", flat=True)),
            "permissions": sorted(user.user_permissions.values_list("codename", flat=True)),
        },
        "records": {},
    }
    for label, fields in SOURCES.items():
        condition = Q()
        for name in fields:
            condition |= Q(**{name: user})
        for name in HANDLE_FIELDS.get(label, ()):
            condition |= Q(**{f"{name}__in": handles})
        data["records"][label] = _rows(label, condition, user)
    # Replies the brand sent in the person's conversations belong to their exchange with the brand.
    conversation_ids = [row["id"] for row in data["records"]["inbox.Conversation"]]
    seen = {row["id"] for row in data["records"]["inbox.Message"]}
    replies = _rows("inbox.Message", Q(conversation_id__in=conversation_ids) & ~Q(pk__in=seen), user)
    data["records"]["inbox.Message"] = sorted(
        data["records"]["inbox.Message"] + replies, key=lambda row: row["id"]
    )
    return data
