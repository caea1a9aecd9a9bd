"""Forms of the account pages; validation rules live in the services."""

from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _


class SignUpForm(forms.Form):
    username = forms.CharField(
        label=_("User name"), max_length=30, help_text=_("Shown publicly, used for @mentions.")
    )
    email = forms.EmailField(label=_("E-mail"))
    password = forms.CharField(
        label=_("Password"), widget=forms.PasswordInput, help_text=_("At least 10 characters.")
    )


class LoginForm(AuthenticationForm):
    username = forms.CharField(label=_("User name or e-mail"), max_length=254)


class TokenForm(forms.Form):
    name = forms.CharField(label=_("Token name"), max_length=80)


class DeleteAccountForm(forms.Form):
    password = forms.CharField(label=_("Your password"), widget=forms.PasswordInput)
    confirm = forms.BooleanField(label=_("Yes, delete my account."))
