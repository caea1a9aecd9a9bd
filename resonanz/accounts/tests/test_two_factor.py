"""The TOTP second factor: RFC 6238 codes, enrolment, the login's second step (codes, single-use recovery
codes, wrong codes counted), the Django admin covered, and the brand setting that forces staff to enrol."""

from __future__ import annotations

import base64
import re
import time

import pytest
from django.test import Client

from resonanz.accounts import totp, twofactor
from resonanz.accounts.models import Role, TwoFactor, User
from resonanz.accounts.services import create_api_token
from resonanz.accounts.tests.factories import BrandFactory, UserFactory, member_factory
from resonanz.core.errors import NotAllowed

pytestmark = pytest.mark.django_db
PASSWORD = "richtig-langes-passwort"
LOGIN = "/accounts/login/"
STEP2 = "/accounts/login/second-step/"
ENROL = "/accounts/settings/two-factor/"


@pytest.fixture(autouse=True)
def _database_limit_store(settings):
    rates = {**settings.RESONANZ["RATE_LIMITS"], "login_account": (3, 900), "login_ip": (6, 900)}
    settings.RESONANZ = {**settings.RESONANZ, "LIMIT_STORE": "database", "RATE_LIMITS": rates}


def test_rfc6238_sha1_vector():
    secret = base64.b32encode(b"12345678901234567890").decode()
    assert totp.code_at(secret, 59, digits=8) == "94287082"
    assert totp.code_at(secret, 59) == "287082"
    assert totp.code_at(secret, 1111111109, digits=8) == "07081804"
    assert totp.code_at(secret, 2000000000, digits=8) == "69279037"


def test_a_step_either_side_is_accepted_but_not_two():
    secret = totp.new_secret()
    now = 1_700_000_000.0
    assert totp.matching_step(secret, totp.code_at(secret, now - 30), at=now) is not None
    assert totp.matching_step(secret, totp.code_at(secret, now + 30), at=now) is not None
    assert totp.matching_step(secret, totp.code_at(secret, now - 90), at=now) is None
    assert totp.matching_step(secret, "abcdef", at=now) is None


def _on(user: User) -> bool:
    return User.objects.get(pk=user.pk).second_factor_on


def _enrol(user: User) -> tuple[str, list[str]]:
    secret, _uri = twofactor.start_enrolment(user)
    codes = twofactor.confirm_enrolment(user, totp.code_at(secret, time.time()))
    return secret, codes


def _next_code(secret: str) -> str:
    """A code of the next step: the enrolment used the current one, and codes are single use."""
    return totp.code_at(secret, time.time() + 30)


def test_enrolment_page_shows_secret_and_uri_and_needs_a_correct_code(client: Client):
    user = UserFactory.create(username="emma", password=PASSWORD)
    client.force_login(user)
    page = client.get(ENROL).content.decode()
    secret = re.search(r'id="totp-secret">([A-Z2-7]+)<', page).group(1)
    assert "otpauth://totp/Resonanz%3Aemma?secret=" + secret in page.replace("&amp;", "&")
    stored = TwoFactor.objects.get(user=user)
    assert secret not in stored.secret  # encrypted at rest
    assert stored.confirmed_at is None

    wrong = client.post(
        ENROL, {"code": "000000" if totp.code_at(secret, time.time()) != "000000" else "111111"}
    )
    assert "code" in wrong.context["form"].errors
    assert not _on(user)

    done = client.post(ENROL, {"code": totp.code_at(secret, time.time())})
    codes = re.findall(r"<li><code>([0-9a-f]{8}-[0-9a-f]{8})</code></li>", done.content.decode())
    assert len(codes) == 10
    assert _on(user)
    record = TwoFactor.objects.get(user=user)
    assert all(code not in str(record.recovery_hashes) for code in codes)  # stored hashed
    assert client.get("/accounts/settings/").status_code == 200  # still logged in after enrolling


def _password_step(client: Client, username: str):
    return client.post(LOGIN, {"username": username, "password": PASSWORD, "next": "/accounts/settings/"})


def test_login_needs_the_code_before_the_session_is_logged_in(client: Client):
    user = UserFactory.create(username="fritz", password=PASSWORD)
    secret, _codes = _enrol(user)
    response = _password_step(client, "fritz")
    assert response.status_code == 302 and response["Location"] == STEP2
    assert "_auth_user_id" not in client.session
    assert client.get("/accounts/settings/").status_code == 302  # not logged in yet

    response = client.post(STEP2, {"code": _next_code(secret)})
    assert response.status_code == 302 and response["Location"] == "/accounts/settings/"
    assert client.session["_auth_user_id"] == str(user.pk)
    assert client.get("/accounts/settings/").status_code == 200


def test_recovery_code_works_once(client: Client):
    user = UserFactory.create(username="greta", password=PASSWORD)
    _secret, codes = _enrol(user)
    _password_step(client, "greta")
    assert client.post(STEP2, {"code": codes[0]}).status_code == 302
    assert twofactor.remaining_recovery_codes(user) == 9

    other = Client()
    _password_step(other, "greta")
    response = other.post(STEP2, {"code": codes[0]})
    assert response.status_code == 200 and "code" in response.context["form"].errors
    assert "_auth_user_id" not in other.session


def test_wrong_codes_count_against_the_lockout(client: Client):
    user = UserFactory.create(username="hanna", password=PASSWORD)
    secret, _codes = _enrol(user)
    _password_step(client, "hanna")
    assert client.post(STEP2, {"code": "12345"}).status_code == 200
    assert client.post(STEP2, {"code": "abcdefgh"}).status_code == 200
    assert client.post(STEP2, {"code": "nope"}).status_code == 429  # third failure: account locked
    # Locked: even the right code is not checked now.
    assert client.post(STEP2, {"code": _next_code(secret)}).status_code == 429
    assert "_auth_user_id" not in client.session


def test_disable_needs_password_and_code(client: Client):
    user = UserFactory.create(username="ida", password=PASSWORD)
    secret, codes = _enrol(user)
    _password_step(client, "ida")
    client.post(STEP2, {"code": _next_code(secret)})
    bad = client.post("/accounts/settings/two-factor/disable/", {"password": "falsch", "code": "123456"})
    assert bad.status_code == 400 and _on(user)
    ok = client.post(
        "/accounts/settings/two-factor/disable/",
        {"password": PASSWORD, "code": codes[3]},  # the TOTP code of this step is used up
    )
    assert ok.status_code == 302 and not _on(user)


def test_admin_login_requires_the_second_step(client: Client):
    admin = UserFactory.create(username="root", password=PASSWORD, is_staff=True, is_superuser=True)
    secret, _codes = _enrol(admin)
    response = client.post("/admin/login/?next=/admin/", {"username": "root", "password": PASSWORD})
    assert response.status_code == 302  # Django's admin form logged in ...
    response = client.get("/admin/")
    assert response.status_code == 302 and response["Location"].startswith(LOGIN)  # ... but not past here
    assert "_auth_user_id" not in client.session
    _password_step(client, "root")
    client.post(STEP2, {"code": _next_code(secret)})
    assert client.get("/admin/").status_code == 200


def test_brand_setting_forces_staff_to_enrol(client: Client):
    brand = BrandFactory.create(slug="elbe")
    boss = member_factory(brand, Role.ADMIN)
    moderator = member_factory(brand, Role.MODERATOR)
    member = member_factory(brand, Role.MEMBER)
    with pytest.raises(NotAllowed):
        twofactor.set_staff_requirement(brand, on=True, by=member)
    client.force_login(boss)
    client.post("/accounts/settings/brands/elbe/two-factor/", {"on": "1"})
    brand.refresh_from_db()
    assert brand.staff_require_second_factor

    client.force_login(moderator)
    page = client.get("/b/elbe/moderation/staff/")
    assert page.status_code == 302 and page["Location"] == ENROL
    fragment = client.get("/b/elbe/moderation/staff/", HTTP_HX_REQUEST="true")
    assert fragment.status_code == 204 and fragment["HX-Redirect"] == ENROL

    _token, plain = create_api_token(moderator, name="bot")
    api = Client()
    response = api.get("/api/brands/elbe/moderation/queue", HTTP_AUTHORIZATION=f"Bearer {plain}")
    assert response.status_code == 403
    assert response.json()["code"] == "second_factor_required"
    assert brand.name in response.json()["message"]  # names the brand whose setting refused

    _enrol(moderator)
    assert (
        api.get("/api/brands/elbe/moderation/queue", HTTP_AUTHORIZATION=f"Bearer {plain}").status_code == 200
    )

    brand.staff_require_second_factor = False
    brand.save()
    client.force_login(boss)  # without a second factor, but the brand no longer requires one
    assert client.get("/b/elbe/moderation/staff/").status_code == 200


def test_cli_resets_a_lost_second_factor(capsys):
    from resonanz.cli import main

    user = UserFactory.create(username="jonas", password=PASSWORD)
    _enrol(user)
    assert main(["reset-second-factor", "Jonas"]) == 0
    assert not _on(user) and not TwoFactor.objects.filter(user=user).exists()
    assert main(["reset-second-factor", "jonas"]) == 0
    assert "nothing changed" in capsys.readouterr().out
    assert main(["reset-second-factor", "niemand"]) == 1


def test_export_names_the_factor_but_not_its_secrets():
    from resonanz.community.privacy import export_user_data

    user = UserFactory.create(username="karla", password=PASSWORD)
    _enrol(user)
    text = str(export_user_data(user))
    record = TwoFactor.objects.get(user=user)
    assert "confirmed_at" in text
    assert record.secret not in text and record.recovery_hashes[0] not in text
