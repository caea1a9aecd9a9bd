"""REST API requests in general: authentication (tokens, sessions, CSRF) and malformed requests."""

from __future__ import annotations

import pytest
from django.test import Client

from resonanz.accounts.services import create_api_token, revoke_api_token
from resonanz.community.models import Post, Thread
from resonanz.community.tests.api_helpers import _fresh_rate_limits, bearer, call, url  # noqa: F401 (autouse fixture)
from resonanz.community.tests.factories import category_factory, thread_factory

pytestmark = pytest.mark.django_db

# --- authentication --------------------------------------------------------------------------------


def test_token_authenticates_and_me_lists_roles(client, brand, other_brand, moderator):
    response = call(client, "get", "/api/me", moderator)
    assert response.status_code == 200
    assert response.json() == {
        "username": "mo",
        "display_name": "",
        "memberships": [
            {"brand": {"slug": brand.slug, "name": brand.name, "tagline": ""}, "role": "moderator"}
        ],
    }


def test_me_without_credentials_is_401(client, db):
    response = client.get("/api/me")
    assert response.status_code == 401
    assert response.json() == {"detail": "Unauthorized"}


@pytest.mark.parametrize("token", ["rz_not-a-real-token", "garbage"])
def test_invalid_token_is_401_on_reads_and_writes(client, brand, token):
    thread = thread_factory(brand)
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    assert client.get(url(brand, "/threads"), **headers).status_code == 401
    response = client.post(
        url(brand, f"/threads/{thread.pk}/posts"),
        {"body": "Hallo"},
        content_type="application/json",
        **headers,
    )
    assert response.status_code == 401
    assert Post.objects.count() == 1


def test_revoked_token_is_401(client, member):
    token, plain = create_api_token(member, name="alt")
    headers = {"HTTP_AUTHORIZATION": f"Bearer {plain}"}
    assert client.get("/api/me", **headers).status_code == 200
    revoke_api_token(member, token_id=token.pk)
    assert client.get("/api/me", **headers).status_code == 401


def test_deactivated_user_token_is_401(client, member):
    headers = bearer(member)
    member.is_active = False
    member.save()
    assert client.get("/api/me", **headers).status_code == 401


def test_anonymous_write_is_401_and_saves_nothing(client, brand):
    category_factory(brand)
    response = call(
        client, "post", url(brand, "/threads"), data={"category": "allgemein", "title": "Hallo", "body": "x"}
    )
    assert response.status_code == 401
    assert Thread.objects.count() == 0


def test_session_write_needs_the_csrf_token(brand, member, settings):
    category_factory(brand)
    client = Client(enforce_csrf_checks=True)
    client.force_login(member)
    payload = {"category": "allgemein", "title": "Über die Session", "body": "Text"}
    refused = client.post(url(brand, "/threads"), payload, content_type="application/json")
    assert refused.status_code == 403
    assert Thread.objects.count() == 0

    assert client.get(url(brand, "/threads")).status_code == 200  # reads need no CSRF token
    secret = "k" * 32  # the CSRF cookie a page with a form would have set
    client.cookies[settings.CSRF_COOKIE_NAME] = secret
    csrf = secret
    accepted = client.post(
        url(brand, "/threads"), payload, content_type="application/json", HTTP_X_CSRFTOKEN=csrf
    )
    assert accepted.status_code == 201
    assert accepted.json()["author"] == member.username


def test_token_write_needs_no_csrf_token(brand, member):
    category_factory(brand)
    client = Client(enforce_csrf_checks=True)
    payload = {"category": "allgemein", "title": "Mit Token", "body": "Text"}
    response = client.post(url(brand, "/threads"), payload, content_type="application/json", **bearer(member))
    assert response.status_code == 201


def test_anonymous_write_without_csrf_cookie_is_401(brand):
    category_factory(brand)
    client = Client(enforce_csrf_checks=True)
    payload = {"category": "allgemein", "title": "Hallo", "body": "x"}
    assert client.post(url(brand, "/threads"), payload, content_type="application/json").status_code == 401


# --- malformed requests ----------------------------------------------------------------------------


def test_schema_violations_are_422_with_locations(client, brand, member):
    category_factory(brand)
    response = call(client, "post", url(brand, "/threads"), member, {"category": "allgemein", "title": 3})
    assert response.status_code == 422
    problems = {tuple(p["loc"]): p["msg"] for p in response.json()["detail"]}
    assert problems[("body", "payload", "body")] == "Field required"
    assert ("body", "payload", "title") in problems
    too_long = call(
        client,
        "post",
        url(brand, "/threads"),
        member,
        {"category": "allgemein", "title": "x" * 201, "body": "B"},
    )
    assert too_long.status_code == 422
    with_nul = call(
        client,
        "post",
        url(brand, "/threads"),
        member,
        {"category": "allgemein", "title": "Hallo", "body": "a\x00b"},
    )
    assert with_nul.status_code == 422  # PostgreSQL cannot store NUL; refused up front instead of a 500
    assert Thread.objects.count() == 0


def test_malformed_path_values_are_refused_not_crashed(client, brand):
    assert client.get("/api/brands/a%00b/threads").status_code == 422
    assert client.get(url(brand, f"/threads/{2**70}")).status_code == 422
    assert client.get(url(brand, "/threads/0")).status_code == 422


@pytest.mark.parametrize(("body", "kind"), [("null", "null"), ("[]", "an array"), ('"x"', "a string")])
def test_a_body_that_is_not_an_object_is_refused_and_changes_nothing(client, brand, member, body, kind):
    thread = thread_factory(brand, author=member, title="Alter Titel")
    response = client.patch(
        url(brand, f"/threads/{thread.pk}"), body, content_type="application/json", **bearer(member)
    )
    assert response.status_code == 400
    assert response.json() == {"detail": f"The request body must be a JSON object, not {kind}."}
    thread.refresh_from_db()
    assert thread.title == "Alter Titel"


def test_malformed_json_keeps_the_plain_message(client, brand, member):
    thread = thread_factory(brand, author=member)
    response = client.patch(
        url(brand, f"/threads/{thread.pk}"), "{nope", content_type="application/json", **bearer(member)
    )
    assert response.status_code == 400 and response.json()["detail"].startswith("Cannot parse request body")
