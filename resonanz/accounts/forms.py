"""Forms of the account pages; validation rules live in the services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm, SetPasswordForm
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
    error_messages = {
        "invalid_login": _(
            "The user name or the password is wrong. Please check both; the password is case-sensitive."
        ),
        "inactive": _("This account is deactivated."),
    }


class RevokingSetPasswordForm(SetPasswordForm):
    """The new password from a reset link; every token and every other session of the account ends."""

    def set_password_and_save(
        self,
        user: Any,
        password_field_name: str = "new_password1",  # noqa: S107 (a form field's name, not a password)
        commit: bool = True,
    ) -> Any:
        from resonanz.accounts.services import set_password

        if not commit:  # no caller of ours saves later; refuse rather than skip the revocation
            raise ValueError("RevokingSetPasswordForm saves the password itself")
        set_password(user, password=self.cleaned_data[password_field_name])
        return user


class RevokingPasswordChangeForm(PasswordChangeForm, RevokingSetPasswordForm):
    """The user changes their own password (old one required); the same revocation as a reset."""


class TokenForm(forms.Form):
    name = forms.CharField(label=_("Token name"), max_length=80)


class DeleteAccountForm(forms.Form):
    password = forms.CharField(label=_("Your password"), widget=forms.PasswordInput)
    confirm = forms.BooleanField(label=_("Yes, delete my account."))


class SecondFactorForm(forms.Form):
    code = forms.CharField(
        label=_("Code"), max_length=20,
        help_text=_("The 6-digit code from your authenticator app, or one of your recovery codes."),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )  # fmt: skip


class DisableSecondFactorForm(SecondFactorForm):
    password = forms.CharField(label=_("Your password"), widget=forms.PasswordInput)
