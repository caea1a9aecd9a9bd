"""Forms of the inbox pages: filters, reply, note, channel settings (secrets write-only), team tools."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from resonanz.inbox.models import Priority, Status
from resonanz.inbox.selectors import ConversationFilter
from resonanz.sources.connectors import CONNECTORS
from resonanz.sources.fields import field_text
from resonanz.sources.models import ChannelKind

SENTIMENTS = [
    ("", _("any")),
    ("negative", _("negative")),
    ("neutral", _("neutral")),
    ("positive", _("positive")),
    ("uncertain", _("uncertain")),
]
TYPES = [
    ("", _("any")),
    ("question", _("question")),
    ("complaint", _("complaint")),
    ("praise", _("praise")),
    ("suggestion", _("suggestion")),
    ("other", _("other")),
]
FLAGS = [
    ("", _("any")),
    ("criticism", _("criticism")),
    ("abuse", _("abuse (moderation)")),
    ("uncertain", _("uncertain (model unsure)")),
]


class FilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("active", _("to do")), ("all", _("all")), *Status.choices],
    )
    sentiment = forms.ChoiceField(label=_("Sentiment"), required=False, choices=SENTIMENTS)
    flag = forms.ChoiceField(label=_("Criticism/abuse/unsure"), required=False, choices=FLAGS)
    type = forms.ChoiceField(label=_("Type"), required=False, choices=TYPES)
    topic = forms.CharField(label=_("Topic"), required=False, max_length=60)
    channel = forms.TypedChoiceField(label=_("Channel"), required=False, coerce=int, empty_value=None)
    assignee = forms.ChoiceField(label=_("Assignee"), required=False)
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)
    sort = forms.ChoiceField(
        label=_("Order"),
        required=False,
        choices=[("newest", _("newest first")), ("priority", _("by priority"))],
    )

    def __init__(self, *args: Any, channels: Any = (), team: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        channel_field = self.fields["channel"]
        assignee_field = self.fields["assignee"]
        assert isinstance(channel_field, forms.ChoiceField)
        assert isinstance(assignee_field, forms.ChoiceField)
        channel_field.choices = [("", _("any"))] + [(c.pk, c.name) for c in channels]
        assignee_field.choices = [("", _("anyone")), ("me", _("me")), ("none", _("nobody"))] + [
            (str(u.pk), u.public_name) for u in team
        ]

    def to_filter(self) -> ConversationFilter:
        data = self.cleaned_data if self.is_valid() else {}
        flag = data.get("flag") or ""
        return ConversationFilter(
            status=data.get("status") or "active",
            sentiment=data.get("sentiment") or "",
            criticism=True if flag == "criticism" else None,
            moderation=True if flag == "abuse" else None,
            uncertain=True if flag == "uncertain" else None,
            type=data.get("type") or "",
            topic=(data.get("topic") or "").strip(),
            channel=data.get("channel"),
            assignee=data.get("assignee") or "",
            overdue=bool(data.get("overdue")),
            q=data.get("q") or "",
            sort=data.get("sort") or "newest",
        )


class ReplyForm(forms.Form):
    text = forms.CharField(label=_("Answer"), widget=forms.Textarea(attrs={"rows": 5, "id": "reply-text"}))


class NoteForm(forms.Form):
    text = forms.CharField(label=_("Internal note"), widget=forms.Textarea(attrs={"rows": 2}))


class SavedReplyForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=120)
    body = forms.CharField(
        label=_("Text"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Placeholders: {name} (customer), {brand}, {agent}."),
    )


class TargetsForm(forms.Form):
    def __init__(self, *args: Any, current: dict[int, int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for value, label in Priority.choices:
            self.fields[f"p{value}"] = forms.IntegerField(
                label=label,
                required=False,
                min_value=1,
                initial=current.get(value),
                help_text=_("minutes until the first answer is due"),
            )


class ChannelForm(forms.Form):
    """Settings fields come from the connector; secret fields are never filled in (write-only)."""

    name = forms.CharField(label=_("Name"), max_length=120)
    enabled = forms.BooleanField(label=_("Enabled"), required=False, initial=True)

    def __init__(self, *args: Any, kind: str, has_secrets: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        connector = CONNECTORS[kind]
        self.kind = kind
        for name in connector.config_fields:
            label, help_text = field_text(name)
            self.fields[f"config_{name}"] = forms.CharField(
                label=label, help_text=help_text, required=False, max_length=500
            )
        for name in connector.secret_fields:
            label, help_text = field_text(name)
            hint = (
                _("Stored. Leave empty to keep it.")
                if has_secrets
                else _("Or env:VARIABLE to read it from the environment.")
            )
            self.fields[f"secret_{name}"] = forms.CharField(
                label=label,
                required=False,
                help_text=f"{help_text} {hint}".strip(),
                widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
            )

    def config(self) -> dict[str, str]:
        return {k[7:]: v for k, v in self.cleaned_data.items() if k.startswith("config_") and v}

    def secrets(self) -> dict[str, str]:
        return {k[7:]: v for k, v in self.cleaned_data.items() if k.startswith("secret_") and v}


KIND_CHOICES = [(k, label) for k, label in ChannelKind.choices if k != ChannelKind.COMMUNITY]


class WebhookEndpointForm(forms.Form):
    url = forms.URLField(label=_("URL"), max_length=500, assume_scheme="https")
    events = forms.CharField(
        label=_("Events"), required=False, help_text=_("Comma-separated; empty for all.")
    )


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Export file"), help_text=_("CSV, a Facebook (Meta) JSON export or an X archive's tweets.js.")
    )
    format = forms.ChoiceField(
        label=_("Format"),
        required=False,
        choices=[
            ("", _("detect")),
            ("csv", "CSV"),
            ("facebook", "Facebook (Meta) JSON"),
            ("x-archive", "X archive"),
        ],
    )
    mapping = forms.CharField(
        label=_("CSV columns"),
        required=False,
        max_length=500,
        help_text=_("Only for CSV, e.g. text=Message,author=User,id=Id,created_at=Date"),
    )
    encoding = forms.CharField(label=_("Encoding"), required=False, initial="utf-8", max_length=40)
    dry_run = forms.BooleanField(label=_("Dry run: check only, store nothing"), required=False, initial=True)

    def options(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "format": data["format"],
            "mapping": data["mapping"],
            "encoding": data["encoding"] or "utf-8",
            "dry_run": data["dry_run"],
        }
