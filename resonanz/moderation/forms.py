"""Forms of the member-facing moderation pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from resonanz.moderation.models import HouseRule, HouseRuleVersion, Report


class RuleChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: HouseRule) -> str:
        return f"§{obj.number} {obj.title}"


class ReportForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("What is wrong with this post?"), choices=Report.Reason.choices, widget=forms.RadioSelect
    )
    rule = RuleChoiceField(
        label=_("Which house rule does it break? (optional)"), queryset=HouseRule.objects.none(),
        required=False, empty_label=_("I am not sure"),
    )  # fmt: skip
    note = forms.CharField(
        label=_("Note for the moderators (optional)"), required=False, max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )  # fmt: skip
    criticism = forms.BooleanField(
        label=_("The post criticises the brand"), required=False,
        help_text=_(
            "Tick this if the post is criticism, even if you find it off-topic or unfair: criticism is only "
            "hidden or removed if two moderators agree."
        ),
    )  # fmt: skip

    def __init__(self, *args: Any, version: HouseRuleVersion | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: RuleChoiceField = self.fields["rule"]  # type: ignore[assignment]
        field.queryset = version.rules.all() if version else HouseRule.objects.none()
