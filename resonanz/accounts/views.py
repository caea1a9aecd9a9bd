"""Account pages: sign-up, login, settings (API tokens, data export, deletion) and profiles."""

from __future__ import annotations

import json
from typing import cast

from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import logout as auth_logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from resonanz.accounts import lockout, selectors, services, twofactor, verification
from resonanz.accounts.forms import (
    DeleteAccountForm,
    DisableSecondFactorForm,
    LoginForm,
    RevokingPasswordChangeForm,
    RevokingSetPasswordForm,
    SecondFactorForm,
    SignUpForm,
    TokenForm,
)
from resonanz.accounts.models import User
from resonanz.core.errors import DomainError, NotFound
from resonanz.core.links import public_base_url
from resonanz.core.ratelimit import check_rate, client_key
from resonanz.core.web import error_response, form_errors


def _safe_next(request: HttpRequest, default: str = "/") -> str:
    target = request.POST.get("next") or request.GET.get("next") or default
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


def signup(request: HttpRequest) -> HttpResponse:
    brand_slug = request.POST.get("brand") or request.GET.get("brand") or ""
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            check_rate("signup", client_key(request))
            brand = selectors.get_brand(brand_slug) if brand_slug else None
            user = services.sign_up(**form.cleaned_data, brand=brand)
        except NotFound:
            form.add_error(None, _("Unknown community."))
        except DomainError as exc:
            form_errors(form, exc)
        else:
            auth_login(request, user, backend="resonanz.accounts.backends.HandleOrEmailBackend")
            messages.success(
                request,
                _("Welcome, %(name)s! Please confirm your e-mail address with the link we sent you.")
                % {"name": user.username},
            )
            return redirect(f"/b/{brand_slug}/" if brand_slug else _safe_next(request))
    return render(request, "accounts/signup.html", {"form": form, "brand_slug": brand_slug})


def locked_out_page(request: HttpRequest, locked: lockout.Lockout) -> HttpResponse:
    """Not a dead end: when logging in works again, and the password reset that works right now."""
    context = {"until": locked.until, "minutes": max(1, -(-locked.retry_after // 60)), "locked": locked}
    response = render(request, "accounts/locked_out.html", context, status=429)
    response["Retry-After"] = str(locked.retry_after)
    return response


class ThrottledLoginView(auth_views.LoginView):
    """Failed logins are counted by the authentication backend; this view shows the lockout page."""

    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def post(self, request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        locked = lockout.locked_out(request, str(request.POST.get("username", "")))
        if locked is not None:
            return locked_out_page(request, locked)
        return cast(HttpResponse, super().post(request, *args, **kwargs))

    def form_valid(self, form: LoginForm) -> HttpResponse:  # type: ignore[override]
        user = form.get_user()
        if not twofactor.is_enabled(user):
            return cast(HttpResponse, super().form_valid(form))
        # The password was right; the session stays anonymous until the second step succeeds.
        self.request.session[twofactor.SESSION_PENDING] = {
            "user_id": user.pk,
            "backend": getattr(user, "backend", "resonanz.accounts.backends.HandleOrEmailBackend"),
            "next": self.get_success_url(),
        }
        return redirect("accounts:login_second_step")

    def form_invalid(self, form: LoginForm) -> HttpResponse:  # type: ignore[override]
        locked = lockout.locked_out(self.request, str(form.data.get("username", "")))
        if locked is not None:  # this attempt was the last one allowed
            return locked_out_page(self.request, locked)
        return cast(HttpResponse, super().form_invalid(form))


login = ThrottledLoginView.as_view()


def login_second_step(request: HttpRequest) -> HttpResponse:
    """Asks for a TOTP or recovery code; wrong codes count against the same lockout as wrong passwords."""
    pending = request.session.get(twofactor.SESSION_PENDING)
    user = User.objects.filter(pk=pending["user_id"], is_active=True).first() if pending else None
    if pending is None or user is None:
        return redirect("accounts:login")
    form = SecondFactorForm(request.POST or None)
    if request.method == "POST":
        locked = lockout.locked_out(request, user.username)
        if locked is not None:
            return locked_out_page(request, locked)
        if form.is_valid() and twofactor.verify(user, form.cleaned_data["code"]):
            lockout.record_success(user.username)
            del request.session[twofactor.SESSION_PENDING]
            auth_login(request, user, backend=pending["backend"])
            request.session[twofactor.SESSION_VERIFIED] = True
            return redirect(pending["next"])
        lockout.record_failure(request, user.username)
        locked = lockout.locked_out(request, user.username)
        if locked is not None:
            return locked_out_page(request, locked)
        form.add_error("code", _("The code is not correct."))
    return render(request, "accounts/login_second_step.html", {"form": form})


def verify_email(request: HttpRequest, token: str) -> HttpResponse:
    try:
        verification.confirm(token)
    except DomainError as exc:
        return error_response(request, exc)
    messages.success(request, _("Your e-mail address is confirmed. You can post now."))
    return redirect("accounts:settings" if request.user.is_authenticated else "accounts:login")


@login_required
@require_POST
def resend_verification(request: HttpRequest) -> HttpResponse:
    try:
        check_rate("signup", client_key(request))
    except DomainError as exc:
        return error_response(request, exc)
    user = cast(User, request.user)
    if not user.email_verified:
        verification.send_verification(user)
        messages.success(request, _("We sent you a new link."))
    return redirect("accounts:settings")


@login_required
def two_factor(request: HttpRequest) -> HttpResponse:
    """Enrolment: show the secret and otpauth URI, switch on after a valid code, show recovery codes once."""
    user = cast(User, request.user)
    if twofactor.is_enabled(user):
        context = {
            "enabled": True,
            "remaining": twofactor.remaining_recovery_codes(user),
            "disable_form": DisableSecondFactorForm(),
        }
        return render(request, "accounts/two_factor.html", context)
    form = SecondFactorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            codes = twofactor.confirm_enrolment(user, form.cleaned_data["code"])
        except DomainError as exc:
            form_errors(form, exc)
        else:
            request.session[twofactor.SESSION_VERIFIED] = True  # proven just now
            messages.success(request, _("The second factor is switched on."))
            return render(request, "accounts/two_factor_codes.html", {"codes": codes})
    secret, uri = twofactor.start_enrolment(user)
    return render(request, "accounts/two_factor.html", {"secret": secret, "uri": uri, "form": form})


@login_required
@require_POST
def two_factor_disable(request: HttpRequest) -> HttpResponse:
    user = cast(User, request.user)
    form = DisableSecondFactorForm(request.POST)
    if form.is_valid():
        try:
            twofactor.disable(user, password=form.cleaned_data["password"], code=form.cleaned_data["code"])
        except DomainError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, _("The second factor is switched off."))
            return redirect("accounts:settings")
    context = {"enabled": True, "remaining": twofactor.remaining_recovery_codes(user), "disable_form": form}
    return render(request, "accounts/two_factor.html", context, status=400)


@login_required
@require_POST
def brand_two_factor(request: HttpRequest, brand_slug: str) -> HttpResponse:
    try:
        brand = selectors.get_brand(brand_slug)
        twofactor.set_staff_requirement(brand, on=request.POST.get("on") == "1", by=request.user)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    except DomainError as exc:
        return error_response(request, exc)
    messages.success(request, _("The setting was saved."))
    return redirect("accounts:settings")


class RateLimitedPasswordResetView(auth_views.PasswordResetView):
    def post(self, request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        try:
            check_rate("password_reset", client_key(request))
        except DomainError as exc:
            return error_response(request, exc)
        return super().post(request, *args, **kwargs)

    @property
    def extra_email_context(self) -> dict[str, str]:  # type: ignore[override]
        # The link in the mail points at RESONANZ_PUBLIC_URL, never at the Host header of the request.
        return {"public_url": public_base_url()}


class RevokingPasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    form_class = RevokingSetPasswordForm


class RevokingPasswordChangeView(auth_views.PasswordChangeView):
    """Changing one's own password keeps this browser signed in (Django updates its session hash) and
    ends every token and every other session."""

    form_class = RevokingPasswordChangeForm
    template_name = "accounts/password_change.html"

    def form_valid(self, form: RevokingPasswordChangeForm) -> HttpResponse:  # type: ignore[override]
        response = super().form_valid(form)
        messages.success(
            self.request,
            _("Your password was changed. Your API tokens were revoked and other devices were signed out."),
        )
        return cast(HttpResponse, response)


@login_required
def account_settings(request: HttpRequest) -> HttpResponse:
    context = {
        "tokens": request.user.api_tokens.order_by("-created_at"),  # type: ignore[union-attr]
        "memberships": selectors.list_memberships(request.user),  # type: ignore[arg-type]
        "token_form": TokenForm(),
        "delete_form": DeleteAccountForm(),
        "new_token": request.session.pop("new_token", None),
        "two_factor_enabled": twofactor.is_enabled(request.user),
    }
    return render(request, "accounts/settings.html", context)


@login_required
@require_POST
def create_token(request: HttpRequest) -> HttpResponse:
    form = TokenForm(request.POST)
    if form.is_valid():
        _token, plain = services.create_api_token(request.user, name=form.cleaned_data["name"])  # type: ignore[arg-type]
        request.session["new_token"] = plain  # shown once on the next page, then gone
    return redirect("accounts:settings")


@login_required
@require_POST
def revoke_token(request: HttpRequest, token_id: int) -> HttpResponse:
    try:
        services.revoke_api_token(request.user, token_id=token_id)  # type: ignore[arg-type]
    except NotFound as exc:
        raise Http404(exc.message) from exc
    messages.success(request, _("The token was revoked."))
    return redirect("accounts:settings")


@login_required
def export_data(request: HttpRequest) -> HttpResponse:
    from resonanz.community.privacy import export_user_data

    data = export_user_data(request.user)  # type: ignore[arg-type]
    response = HttpResponse(json.dumps(data, ensure_ascii=False, indent=2), content_type="application/json")
    response["Content-Disposition"] = f'attachment; filename="resonanz-{request.user.username}.json"'
    return response


@login_required
def delete_account(request: HttpRequest) -> HttpResponse:
    from resonanz.community.privacy import delete_account as delete

    form = DeleteAccountForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if not request.user.check_password(form.cleaned_data["password"]):
            form.add_error("password", _("The password is not correct."))
        else:
            delete(request.user)  # type: ignore[arg-type]
            auth_logout(request)
            messages.success(request, _("Your account was deleted."))
            return redirect("home")
    return render(request, "accounts/delete.html", {"form": form})


def profile(request: HttpRequest, handle: str) -> HttpResponse:
    try:
        person = selectors.get_user_by_handle(handle)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    return render(request, "accounts/profile.html", {"person": person})
