"""Forms of the member-facing moderation pages."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from resonanz.moderation.models import Report


class ReportForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("What is wrong with this post?"), choices=Report.Reason.choices, widget=forms.RadioSelect
    )
    note = forms.CharField(
        label=_("Note for the moderators (optional)"), required=False, max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )  # fmt: skip
