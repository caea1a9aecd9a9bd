"""Forms of the public moderation pages: the author's appeal."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class AppealForm(forms.Form):
    text = forms.CharField(
        label=_("Why should the decision be reconsidered?"), max_length=4000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Add anything the moderators may not have known. Another moderator will decide."),
    )  # fmt: skip
