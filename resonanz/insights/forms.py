"""Forms of the strategy editor and the insights settings (validation rules live in the services)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from resonanz.accounts.models import Brand
from resonanz.insights.holidays import STATES
from resonanz.insights.models import (
    KPI,
    Goal,
    InsightsSettings,
    KpiPeriod,
    Metric,
    ReportFrequency,
    TargetGroup,
)
from resonanz.sources.models import Channel

WEEKDAYS = [
    ("0", _("Monday")),
    ("1", _("Tuesday")),
    ("2", _("Wednesday")),
    ("3", _("Thursday")),
    ("4", _("Friday")),
    ("5", _("Saturday")),
    ("6", _("Sunday")),
]


class FilterForm(forms.Form):
    period = forms.CharField(label=_("Period"), max_length=30, required=False)
    channel = forms.ModelChoiceField(
        label=_("Channel"), queryset=Channel.objects.none(), required=False, empty_label=_("All channels")
    )
    topic = forms.CharField(label=_("Topic"), max_length=100, required=False)

    def __init__(self, *args: Any, brand: Brand, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["channel"].queryset = Channel.objects.filter(brand=brand)  # type: ignore[attr-defined]


class TargetGroupForm(forms.Form):
    name = forms.CharField(label=_("Target group"), max_length=120)
    description = forms.CharField(
        label=_("Description"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, brand: Brand, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)

    @staticmethod
    def initial_for(group: TargetGroup) -> dict[str, Any]:
        return {"name": group.name, "description": group.description}


class GoalForm(forms.Form):
    title = forms.CharField(label=_("Goal"), max_length=200)
    description = forms.CharField(
        label=_("Description"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )
    target_groups = forms.ModelMultipleChoiceField(
        label=_("Target groups"),
        queryset=TargetGroup.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    channels = forms.ModelMultipleChoiceField(
        label=_("Channels"),
        queryset=Channel.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, brand: Brand, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["target_groups"].queryset = TargetGroup.objects.filter(brand=brand)  # type: ignore[attr-defined]
        self.fields["channels"].queryset = Channel.objects.filter(brand=brand)  # type: ignore[attr-defined]

    @staticmethod
    def initial_for(goal: Goal) -> dict[str, Any]:
        return {
            "title": goal.title,
            "description": goal.description,
            "target_groups": list(goal.target_groups.all()),
            "channels": list(goal.channels.all()),
        }


class KpiForm(forms.Form):
    name = forms.CharField(
        label=_("Name"), max_length=200, help_text=_("For example: answer 90 % of criticism within 2 hours")
    )
    metric = forms.ChoiceField(label=_("Metric"), choices=Metric.choices)
    target = forms.FloatField(
        label=_("Target value"), help_text=_("Percent, minutes or a count, as the metric says.")
    )
    period = forms.ChoiceField(label=_("Period"), choices=KpiPeriod.choices, initial=KpiPeriod.MONTH)
    threshold_minutes = forms.IntegerField(label=_("Answered within (minutes)"), required=False, min_value=1)
    channel = forms.ModelChoiceField(
        label=_("Channel"), queryset=Channel.objects.none(), required=False, empty_label=_("All channels")
    )
    topic = forms.CharField(label=_("Topic"), max_length=100, required=False)
    goal = forms.ModelChoiceField(label=_("Goal"), queryset=Goal.objects.none(), required=False)

    def __init__(self, *args: Any, brand: Brand, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["channel"].queryset = Channel.objects.filter(brand=brand)  # type: ignore[attr-defined]
        self.fields["goal"].queryset = Goal.objects.filter(brand=brand)  # type: ignore[attr-defined]

    @staticmethod
    def initial_for(kpi: KPI) -> dict[str, Any]:
        return {
            "name": kpi.name,
            "metric": kpi.metric,
            "target": kpi.target,
            "period": kpi.period,
            "threshold_minutes": kpi.threshold_minutes,
            "channel": kpi.channel_id,
            "topic": kpi.topic,
            "goal": kpi.goal_id,
        }


class InsightsSettingsForm(forms.Form):
    public_bilanz = forms.BooleanField(
        label=_("Publish the Dialog-Bilanz"),
        required=False,
        help_text=_("A public page with the response figures and moderation numbers of the brand."),
    )
    business_hours = forms.BooleanField(label=_("Measure response times in business hours"), required=False)
    business_start = forms.IntegerField(label=_("Business hours start (hour)"), min_value=0, max_value=23)
    business_end = forms.IntegerField(label=_("Business hours end (hour)"), min_value=1, max_value=24)
    business_days = forms.MultipleChoiceField(
        label=_("Business days"), choices=WEEKDAYS, widget=forms.CheckboxSelectMultiple, required=False
    )
    holiday_state = forms.ChoiceField(
        label=_("Public holidays of"),
        choices=[("", _("Nationwide holidays only")), *STATES.items()],
        required=False,
        help_text=_(
            "Public holidays do not count as business hours: the nationwide ones and those of this state."
        ),
    )
    report_frequency = forms.ChoiceField(
        label=_("Periodic report by e-mail"), choices=ReportFrequency.choices
    )

    @staticmethod
    def initial_for(settings: InsightsSettings) -> dict[str, Any]:
        names = (
            "public_bilanz",
            "business_hours",
            "business_start",
            "business_end",
            "holiday_state",
            "report_frequency",
        )
        return {name: getattr(settings, name) for name in names} | {
            "business_days": list(settings.business_days)
        }
