"""Forms of the blog pages; the rules live in the services."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from resonanz.community.forms import BODY_HELP


class ArticleForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=300)
    summary = forms.CharField(
        label=_("Summary"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("One or two sentences for the list of articles (at most 400 characters)."),
    )  # fmt: skip
    body = forms.CharField(label=_("Text"), widget=forms.Textarea(attrs={"rows": 16}), help_text=BODY_HELP)


class NewArticleForm(ArticleForm):
    publish = forms.BooleanField(label=_("Publish now"), required=False)


class CommentForm(forms.Form):
    body = forms.CharField(
        label=_("Your comment"), widget=forms.Textarea(attrs={"rows": 5}), help_text=BODY_HELP
    )
