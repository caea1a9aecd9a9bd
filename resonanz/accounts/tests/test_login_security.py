"""Logging in: a clear message, throttling per account and address that ignores successes, a helpful
lockout page; password changes and resets revoke tokens and sessions; Argon2; createadmin validators."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.hashers import make_password
from django.core import mail
from django.test import Client

from resonanz.accounts.models import ApiToken, User
from resonanz.accounts.services import authenticate_token, create_api_token
from resonanz.accounts.tests.factories import UserFactory

pytestmark = pytest.mark.django_db
PASSWORD = "richtig-langes-passwort"
LOGIN = "/accounts/login/"


@pytest.fixture(autouse=True)
def _database_limit_store(settings):
    """The embedded mode's store: counters in the database, rolled back with each test."""
    settings.RESONANZ = {**settings.RESONANZ, "LIMIT_STORE": "database"}


@pytest.fixture
def person() -> User:
    return UserFactory.create(username="paula", email="paula@example.org", password=PASSWORD)


@pytest.fixture
def limits(settings):
    rates = {**settings.RESONANZ["RATE_LIMITS"], "login_account": (3, 900), "login_ip": (6, 900)}
    settings.RESONANZ = {**settings.RESONANZ, "RATE_LIMITS": rates}


def _login(client: Client, username: str, password: str, address: str = "203.0.113.9"):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=address)


def test_wrong_password_says_user_name_or_password_is_wrong(client, person):
    page = _login(client, "paula", "falsch").content.decode()
    assert "Benutzername oder das Passwort ist falsch" in page


def test_successful_logins_are_not_counted(limits, person):
    for _ in range(10):
        client = Client()
        assert _login(client, "paula", PASSWORD).status_code == 302


def test_account_locks_after_failures_with_a_helpful_page(limits, person):
    client = Client()
    assert _login(client, "paula", "falsch-1").status_code == 200
    assert _login(client, "PAULA@example.org", "falsch-2").status_code == 200  # same account, other name
    locked = _login(client, "paula", "falsch-3")
    assert locked.status_code == 429 and int(locked["Retry-After"]) > 0
    page = locked.content.decode()
    assert "zu viele fehlgeschlagene" in page.lower()
    assert re.search(r"\d\d:\d\d", page)  # when it unlocks
    assert "/accounts/password-reset/" in page  # the way out that works now
    # While locked, even the right password does not log in (from anywhere).
    assert _login(Client(), "paula", PASSWORD, address="198.51.100.1").status_code == 429


def test_a_password_reset_ends_the_lockout(limits, person):
    for attempt in range(3):
        _login(Client(), "paula", f"falsch-{attempt}")
    assert _login(Client(), "paula", PASSWORD).status_code == 429
    Client().post("/accounts/password-reset/", {"email": "paula@example.org"})
    link = re.search(r"https?://\S+/password-reset/\S+/\S+/", mail.outbox[-1].body).group(0)
    client = Client()
    form = client.get(link, follow=True)
    client.post(
        form.redirect_chain[-1][0],
        {"new_password1": "neues-passwort-123", "new_password2": "neues-passwort-123"},
    )
    assert _login(Client(), "paula", "neues-passwort-123").status_code == 302


def test_one_address_is_limited_separately_and_higher(limits, person):
    UserFactory.create(username="otto", email="otto@example.org", password=PASSWORD)
    office = "198.51.100.50"
    for name in ("a1", "a2", "a3", "a4", "a5", "a6"):
        _login(Client(), name, "falsch", address=office)
    assert _login(Client(), "otto", PASSWORD, address=office).status_code == 429
    assert _login(Client(), "otto", PASSWORD, address="198.51.100.51").status_code == 302


def test_admin_login_is_throttled_too(limits, person):
    for attempt in range(3):
        Client().post("/admin/login/", {"username": "paula", "password": f"falsch-{attempt}"})
    assert _login(Client(), "paula", PASSWORD).status_code == 429


def test_password_reset_revokes_tokens_and_sessions(person, settings):
    settings.RESONANZ = {**settings.RESONANZ, "PUBLIC_URL": "https://forum.example.org"}
    _token, plain = create_api_token(person, name="skript")
    other_browser = Client()
    other_browser.force_login(person)
    assert other_browser.get("/accounts/settings/").status_code == 200

    Client().post("/accounts/password-reset/", {"email": "paula@example.org"})
    body = mail.outbox[-1].body
    link = re.search(r"https://forum\.example\.org/accounts/password-reset/\S+/\S+/", body).group(0)
    assert "localhost" not in body and "testserver" not in body
    resetting = Client()
    form = resetting.get(link.removeprefix("https://forum.example.org"), follow=True)
    done = resetting.post(
        form.redirect_chain[-1][0],
        {"new_password1": "neues-passwort-123", "new_password2": "neues-passwort-123"},
    )
    assert done.status_code == 302
    assert authenticate_token(plain) is None and not ApiToken.objects.filter(user=person).exists()
    assert other_browser.get("/accounts/settings/").status_code == 302  # logged out


def test_own_password_change_keeps_this_session_and_ends_the_others(person):
    _token, plain = create_api_token(person, name="skript")
    this_browser, other_browser = Client(), Client()
    this_browser.force_login(person)
    other_browser.force_login(person)
    page = this_browser.get("/accounts/settings/password/")
    assert page.status_code == 200
    response = this_browser.post(
        "/accounts/settings/password/",
        {
            "old_password": PASSWORD,
            "new_password1": "neues-passwort-123",
            "new_password2": "neues-passwort-123",
        },
    )
    assert response.status_code == 302
    assert this_browser.get("/accounts/settings/").status_code == 200
    assert other_browser.get("/accounts/settings/").status_code == 302
    assert authenticate_token(plain) is None


def test_a_wrong_old_password_changes_nothing(person):
    _token, plain = create_api_token(person, name="skript")
    browser = Client()
    browser.force_login(person)
    response = browser.post(
        "/accounts/settings/password/",
        {
            "old_password": "falsch",
            "new_password1": "neues-passwort-123",
            "new_password2": "neues-passwort-123",
        },
    )
    assert response.status_code == 200
    assert authenticate_token(plain) == person
    person.refresh_from_db()
    assert person.check_password(PASSWORD)


def test_old_hashes_are_upgraded_to_argon2_at_login(settings, person):
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.Argon2PasswordHasher",
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    ]
    User.objects.filter(pk=person.pk).update(
        password=make_password(PASSWORD, hasher="pbkdf2_sha256")  # as stored before the switch
    )
    assert _login(Client(), "paula", PASSWORD).status_code == 302
    person.refresh_from_db()
    assert person.password.startswith("argon2$")


def test_argon2_is_the_production_default():
    from resonanz.settings import base

    assert base.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")


@pytest.mark.parametrize(
    ("password", "reason"),
    [("12345678901234", "numeric"), ("password1234", "common"), ("chefin-chefin", "similar")],
)
def test_createadmin_runs_the_password_validators(capsys, password, reason):
    from resonanz.cli import main

    assert main(["createadmin", "--username", "chefin-chefin", "--password", password]) == 2
    assert not User.objects.filter(username="chefin-chefin").exists()
    assert "the password was refused" in capsys.readouterr().err


def test_an_admin_setting_the_password_revokes_the_tokens(person):
    _token, plain = create_api_token(person, name="skript")
    admin = UserFactory.create(username="root", is_staff=True, is_superuser=True)
    browser = Client()
    browser.force_login(admin)
    response = browser.post(
        f"/admin/accounts/user/{person.pk}/password/",
        {"password1": "neues-passwort-123", "password2": "neues-passwort-123", "usable_password": "true"},
    )
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.check_password("neues-passwort-123") and authenticate_token(plain) is None
