"""Forms of the forum pages; the rules (length, permissions) live in the services."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from resonanz.community.models import Category

BODY_HELP = _("Markdown works: **bold**, *italic*, lists, links. Mention people with @name.")


class ThreadForm(forms.Form):
    category = forms.ChoiceField(label=_("Category"))
    title = forms.CharField(label=_("Title"), max_length=300)
    body = forms.CharField(
        label=_("Your post"), widget=forms.Textarea(attrs={"rows": 8}), help_text=BODY_HELP
    )

    def __init__(self, *args: Any, categories: Iterable[Category], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.categories = {category.slug: category for category in categories}
        field = cast(forms.ChoiceField, self.fields["category"])
        field.choices = [(slug, c.name) for slug, c in self.categories.items()]

    def clean_category(self) -> Category:
        return self.categories[self.cleaned_data["category"]]


class ReplyForm(forms.Form):
    body = forms.CharField(
        label=_("Your reply"), widget=forms.Textarea(attrs={"rows": 5}), help_text=BODY_HELP
    )


class EditPostForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=300)
    body = forms.CharField(label=_("Text"), widget=forms.Textarea(attrs={"rows": 8}), help_text=BODY_HELP)

    def __init__(self, *args: Any, with_title: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not with_title:
            del self.fields["title"]


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Search the community"), max_length=200, required=False)
