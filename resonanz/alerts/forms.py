"""Forms of the alert pages (rules are checked by the services)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from resonanz.accounts.models import Brand, Membership, Role, User
from resonanz.alerts.models import Sensitivity


def _managers(brand: Brand) -> Any:
    ids = Membership.objects.filter(brand=brand, role__in=[Role.MANAGER, Role.ADMIN]).values("user")
    return User.objects.filter(pk__in=ids).order_by("username")


class CrisisForm(forms.Form):
    freeze = forms.BooleanField(
        label=_("Deletion freeze: criticism cannot be hidden or removed without a logged manager override"),
        required=False,
        initial=True,
    )
    escalate_to = forms.ModelMultipleChoiceField(
        label=_("Escalate to"),
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("They get an e-mail at once. Preselected: the escalation list of the alert settings."),
    )
    status_title = forms.CharField(label=_("Title of the status post"), max_length=200, required=False)
    status_post = forms.CharField(
        label=_("Public status post (optional)"),
        required=False,
        max_length=20_000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "Published on the brand's blog at once (Markdown), e.g. “We know about the problem and are "
            "on it.” Leave empty for no public post."
        ),
    )

    def __init__(self, *args: Any, brand: Brand, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["escalate_to"].queryset = _managers(brand)  # type: ignore[attr-defined]


class ResolveForm(forms.Form):
    note = forms.CharField(
        label=_("What happened and what was done"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class AlertSettingsForm(forms.Form):
    enabled = forms.BooleanField(label=_("Crisis early warning on"), required=False)
    sensitivity = forms.ChoiceField(label=_("Sensitivity"), choices=Sensitivity.choices)
    min_count = forms.IntegerField(
        label=_("Minimum negative posts"),
        min_value=1,
        max_value=10_000,
        help_text=_(
            "A surge needs at least this many negative posts — in 30 minutes, or for a quiet brand in one "
            "to two hours — however quiet the brand usually is."
        ),
    )
    escalate_to = forms.ModelMultipleChoiceField(
        label=_("Escalation list"),
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, brand: Brand, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["escalate_to"].queryset = _managers(brand)  # type: ignore[attr-defined]


class HoldingStatementForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=100)
    body = forms.CharField(
        label=_("Text"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Placeholders: {name}, {brand}, {agent}"),
    )
