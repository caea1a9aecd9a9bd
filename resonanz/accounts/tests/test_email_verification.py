"""E-mail verification at sign-up: a signed 24-hour link by mail; no posting before it is opened;
accounts from before (and factory users) count as verified."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from freezegun import freeze_time

from resonanz.accounts import services, verification
from resonanz.accounts.models import User
from resonanz.accounts.tests.factories import BrandFactory, UserFactory
from resonanz.community.services import create_thread
from resonanz.community.tests.factories import category_factory
from resonanz.core.errors import InvalidInput, NotAllowed

pytestmark = pytest.mark.django_db


def _link() -> str:
    return re.search(r"https?://\S+/accounts/verify-email/\S+/", mail.outbox[-1].body).group(0)


def test_sign_up_mails_a_link_and_posting_waits_for_it(settings):
    settings.RESONANZ = {**settings.RESONANZ, "PUBLIC_URL": "https://forum.example.org"}
    brand = BrandFactory.create()
    user = services.sign_up(username="neu", email="neu@example.org", password="lange-genug-123", brand=brand)
    assert not user.email_verified
    assert mail.outbox[-1].to == ["neu@example.org"]
    link = _link()
    assert link.startswith("https://forum.example.org/")
    with pytest.raises(NotAllowed):
        create_thread(brand, category=category_factory(brand), title="Hallo zusammen", body="Text", by=user)

    response = Client().get(link.removeprefix("https://forum.example.org"))
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.email_verified
    thread = create_thread(
        brand, category=category_factory(brand), title="Hallo zusammen", body="Text", by=user
    )
    assert thread.pk


def test_link_expires_after_a_day_and_cannot_be_forged():
    user = UserFactory.create(email_verified=False)
    token = verification.make_token(user)
    with freeze_time(timedelta(hours=25)), pytest.raises(InvalidInput):
        verification.confirm(token)
    with pytest.raises(InvalidInput):
        verification.confirm(token[:-2] + "xx")
    assert not User.objects.get(pk=user.pk).email_verified
    assert verification.confirm(token).email_verified


def test_existing_and_factory_users_count_as_verified():
    assert UserFactory.create().email_verified
    assert User.objects.create_user(username="alt", password="x").email_verified


def test_resend_from_the_settings_page(client: Client):
    user = UserFactory.create(email_verified=False)
    client.force_login(user)
    assert "/accounts/settings/verify-email/" in client.get("/accounts/settings/").content.decode()
    client.post("/accounts/settings/verify-email/")
    assert mail.outbox[-1].to == [user.email]
    link = _link()
    assert client.get(link[link.index("/accounts/") :]).status_code == 302
    user.refresh_from_db()
    assert user.email_verified
