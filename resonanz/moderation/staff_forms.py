"""Forms of the moderators' and managers' pages. Rules and explanations are checked by the services
(one source of truth), so these fields are optional here and the services' refusals land on them."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from resonanz.moderation.models import POST_ACTIONS, Action, Appeal, HouseRuleVersion, ModerationSettings, dsa

THREAD_FORM_ACTIONS = (Action.HIDE, Action.REMOVE, Action.LOCK, Action.UNLOCK)


class RuleCitingForm(forms.Form):
    """What every moderation decision form has: the rules cited, the facts, the legal ground and the state
    the moderator saw (the services check them; the fields are optional here)."""

    rules = forms.TypedMultipleChoiceField(
        label=_("House rules"), coerce=int, required=False, widget=forms.CheckboxSelectMultiple,
        help_text=_("Cite at least one rule."),
    )  # fmt: skip
    facts = forms.CharField(
        label=_("Facts relied on (optional)"), required=False, max_length=3000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )  # fmt: skip
    legal_ground = forms.CharField(
        label=_("Legal ground, if the content is illegal"), required=False, max_length=500,
        help_text=_("E.g. § 185 StGB. Leave empty for a breach of the house rules."),
    )  # fmt: skip
    expected_state = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, version: HouseRuleVersion | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        rules = version.rules.all() if version else []
        field: forms.TypedMultipleChoiceField = self.fields["rules"]  # type: ignore[assignment]
        field.choices = [(rule.pk, f"§{rule.number} {rule.title}") for rule in rules]


class ActionForm(RuleCitingForm):
    field_order = [
        "action", "rules", "explanation", "facts", "category", "keywords", "legal_ground", "restrict_days",
    ]  # fmt: skip
    action = forms.ChoiceField(
        label=_("Action"), widget=forms.RadioSelect,
        choices=[(value, label) for value, label in Action.choices if value in POST_ACTIONS],
    )  # fmt: skip
    explanation = forms.CharField(
        label=_("Explanation for the author"), required=False, max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Shown to the author in the statement of reasons. No personal data of others."),
    )  # fmt: skip
    category = forms.ChoiceField(
        label=_("Category (DSA)"), required=False,
        choices=[("", _("Suggested from the reports")), *dsa.StatementCategory.choices],
    )  # fmt: skip
    keywords = forms.MultipleChoiceField(
        label=_("Keywords (DSA)"), required=False, choices=dsa.CategoryKeyword.choices,
        widget=forms.CheckboxSelectMultiple,
    )  # fmt: skip
    restrict_days = forms.IntegerField(
        label=_("Restrict for how many days"), required=False, min_value=1, max_value=365
    )


class ThreadActionForm(RuleCitingForm):
    """Hide, remove, lock or unlock a whole thread: the same rules and explanation as for one post."""

    field_order = ["action", "rules", "explanation", "facts", "legal_ground"]
    action = forms.ChoiceField(
        label=_("Action"), widget=forms.RadioSelect,
        choices=[(value, label) for value, label in Action.choices if value in THREAD_FORM_ACTIONS],
    )  # fmt: skip
    explanation = forms.CharField(
        label=_("Explanation for the authors"), required=False, max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Every author whose post disappears gets it in their statement of reasons."),
    )  # fmt: skip


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))


class AppealDecisionForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Outcome"), widget=forms.RadioSelect,
        choices=[(Appeal.Status.UPHELD, _("Uphold the decision")), (Appeal.Status.REVERSED, _("Reverse it"))],
    )  # fmt: skip
    reason = forms.CharField(
        label=_("Reasons for the author"), required=False, max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )  # fmt: skip


class RulesForm(forms.Form):
    rules = forms.CharField(
        label=_("House rules"), widget=forms.Textarea(attrs={"rows": 18}), max_length=60_000,
        help_text=_(
            "One rule per block: the first line is its title, the following lines its text. "
            "Separate rules with a line that contains only ---. Rules are numbered in this order."
        ),
    )  # fmt: skip
    change_note = forms.CharField(label=_("What changed (public)"), required=False, max_length=500)
    content_independent = forms.CharField(
        label=_("Content-independent rules (numbers)"), required=False, max_length=200,
        help_text=_(
            "E.g. 2, 3: rules against spam, someone else's personal data or illegal content, whose breach "
            "does not depend on the opinion expressed. One moderator may act under them alone; the list is "
            "public."
        ),
    )  # fmt: skip

    def clean_content_independent(self) -> list[int]:
        raw = self.cleaned_data.get("content_independent") or ""
        parts = [part for part in raw.replace(";", ",").replace(" ", ",").split(",") if part]
        if not all(part.lstrip("§").isdigit() for part in parts):
            raise forms.ValidationError(_("Write the rule numbers separated by commas, e.g. 2, 3."))
        return sorted({int(part.lstrip("§")) for part in parts})


class FreezeForm(forms.Form):
    on = forms.BooleanField(label=_("Deletion freeze on"), required=False)
    reason = forms.CharField(label=_("Reason (public)"), required=False, max_length=500)


class SettingsForm(forms.ModelForm):
    class Meta:
        model = ModerationSettings
        fields = [
            "auto_hide_threshold",
            "auto_hide_rule_number",
            "appeal_window_days",
            "approver_min_role_days",
        ]


class PeriodForm(forms.Form):
    period = forms.CharField(label=_("Period"), max_length=30, help_text=_("2026-10, 2026-Q4 or 2026"))
