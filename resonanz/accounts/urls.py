from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.urls import path, reverse_lazy

from resonanz.accounts import views

app_name = "accounts"
urlpatterns = [
    path("signup/", views.signup, name="signup"),
    path("login/", views.login, name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("settings/", views.account_settings, name="settings"),
    path(
        "settings/password/",
        login_required(
            views.RevokingPasswordChangeView.as_view(success_url=reverse_lazy("accounts:settings"))
        ),
        name="password_change",
    ),
    path("login/second-step/", views.login_second_step, name="login_second_step"),
    path("settings/two-factor/", views.two_factor, name="two_factor"),
    path("settings/two-factor/disable/", views.two_factor_disable, name="two_factor_disable"),
    path("settings/brands/<slug:brand_slug>/two-factor/", views.brand_two_factor, name="brand_two_factor"),
    path("verify-email/<str:token>/", views.verify_email, name="verify_email"),
    path("settings/verify-email/", views.resend_verification, name="resend_verification"),
    path("settings/tokens/", views.create_token, name="create_token"),
    path("settings/tokens/<int:token_id>/revoke/", views.revoke_token, name="revoke_token"),
    path("settings/export/", views.export_data, name="export"),
    path("settings/delete/", views.delete_account, name="delete"),
    path("u/<str:handle>/", views.profile, name="profile"),
    path(
        "password-reset/",
        views.RateLimitedPasswordResetView.as_view(
            template_name="accounts/password_reset.html",
            email_template_name="accounts/password_reset_email.txt",
            subject_template_name="accounts/password_reset_subject.txt",
            success_url=reverse_lazy("accounts:password_reset_done"),
        ),
        name="password_reset",
    ),
    path(
        "password-reset/sent/",
        auth_views.PasswordResetDoneView.as_view(template_name="accounts/password_reset_done.html"),
        name="password_reset_done",
    ),
    path(
        "password-reset/<uidb64>/<token>/",
        views.RevokingPasswordResetConfirmView.as_view(
            template_name="accounts/password_reset_confirm.html",
            success_url=reverse_lazy("accounts:password_reset_complete"),
        ),
        name="password_reset_confirm",
    ),
    path(
        "password-reset/done/",
        auth_views.PasswordResetCompleteView.as_view(template_name="accounts/password_reset_complete.html"),
        name="password_reset_complete",
    ),
]
