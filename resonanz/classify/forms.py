"""Forms of the topics page: define a topic, try a text against the brand's topics."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from resonanz.classify import services
from resonanz.classify.ml.topics import DEFAULT_SIMILARITY


class TopicForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=60)
    keywords = forms.CharField(
        label=_("Keywords"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Separated by commas or new lines. Whole words match; “verspät*” matches every word "
            "starting with “verspät”; several words match as a phrase."
        ),
    )
    examples = forms.CharField(
        label=_("Example posts"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One per line. Posts similar in wording to these examples get the topic too."),
    )
    min_similarity = forms.FloatField(
        label=_("Minimum similarity to the examples"),
        initial=DEFAULT_SIMILARITY,
        min_value=services.SIMILARITY_RANGE[0],
        max_value=services.SIMILARITY_RANGE[1],
        widget=forms.NumberInput(attrs={"step": "0.05"}),
        help_text=_("Cosine similarity from 0.05 (loose) to 0.95 (nearly identical wording)."),
    )
    active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    def service_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "name": data["name"],
            "keywords": services.split_keywords(data["keywords"]),
            "examples": services.split_examples(data["examples"]),
            "min_similarity": data["min_similarity"],
            "active": data["active"],
        }


class TryTopicsForm(forms.Form):
    text = forms.CharField(
        label=_("Text"),
        max_length=services.MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Shows which active topics this text gets, and why."),
    )
