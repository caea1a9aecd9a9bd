"""REST API of the blog: the team drafts, edits and publishes articles; members comment."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client

from resonanz.accounts.models import Brand, Role, User
from resonanz.accounts.services import create_api_token
from resonanz.accounts.tests.factories import member_factory
from resonanz.blog.models import Article
from resonanz.blog.services import create_article
from resonanz.community.models import Post

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_rate_limits() -> None:
    cache.clear()


def call(client: Client, method: str, path: str, user: User | None = None, data: Any = None) -> Any:
    headers = {}
    if user is not None:
        headers["HTTP_AUTHORIZATION"] = "Bearer " + create_api_token(user, name="test")[1]
    if data is None:
        return getattr(client, method)(path, **headers)
    return getattr(client, method)(path, data, content_type="application/json", **headers)


def url(brand: Brand, rest: str = "") -> str:
    return f"/api/brands/{brand.slug}/articles{rest}"


@pytest.fixture
def published(brand: Brand, agent: User) -> Article:
    return create_article(brand, title="Neuer Fahrplan", body="Ab **Montag**.", by=agent, publish=True)


@pytest.fixture
def draft(brand: Brand, agent: User) -> Article:
    return create_article(brand, title="Geheimer Entwurf", body="Noch nicht.", by=agent)


def test_visitors_see_published_articles_the_team_sees_drafts(client, brand, agent, member, published, draft):
    page = client.get(url(brand)).json()
    assert page["count"] == 1
    item = page["items"][0]
    assert item["slug"] == "neuer-fahrplan" and item["status"] == "published" and item["author"] == "alex"
    assert item["comment_count"] == 0
    assert call(client, "get", url(brand), member).json()["count"] == 1
    assert {a["slug"] for a in call(client, "get", url(brand), agent).json()["items"]} == {
        "neuer-fahrplan",
        "geheimer-entwurf",
    }


def test_article_list_query_count(client, brand, agent, django_assert_max_num_queries):
    for n in range(8):
        create_article(brand, title=f"Artikel {n}", body="Text", by=agent, publish=True)
    with django_assert_max_num_queries(3):  # brand, count, page (with authors and discussions)
        assert len(client.get(url(brand)).json()["items"]) == 8


def test_article_detail(client, brand, agent, published, draft):
    body = client.get(url(brand, "/neuer-fahrplan")).json()
    assert body["body_html"] == "<p>Ab <strong>Montag</strong>.</p>\n"
    assert body["discussion_id"] == published.discussion_id
    assert client.get(url(brand, "/geheimer-entwurf")).status_code == 404
    assert call(client, "get", url(brand, "/geheimer-entwurf"), agent).json()["status"] == "draft"


def test_other_brands_article_is_404(client, brand, other_brand, published):
    assert client.get(f"/api/brands/{other_brand.slug}/articles/neuer-fahrplan").status_code == 404
    assert client.get(f"/api/brands/{other_brand.slug}/articles").json()["count"] == 0


def test_team_creates_drafts_and_publishes_at_once(client, brand, agent):
    draft = call(client, "post", url(brand), agent, {"title": "Baustelle", "body": "Ab Juni."})
    assert draft.status_code == 201
    assert draft.json()["status"] == "draft" and draft.json()["published_at"] is None
    now = call(client, "post", url(brand), agent, {"title": "Baustelle", "body": "Ab Juni.", "publish": True})
    assert now.status_code == 201
    assert now.json()["slug"] == "baustelle-2" and now.json()["status"] == "published"
    assert now.json()["discussion_id"] is not None


def test_members_and_visitors_cannot_write_articles(client, brand, member):
    refused = call(client, "post", url(brand), member, {"title": "Mein Artikel", "body": "Text"})
    assert refused.status_code == 403 and refused.json()["code"] == "not_allowed"
    assert (
        call(client, "post", url(brand), None, {"title": "Mein Artikel", "body": "Text"}).status_code == 401
    )
    assert Article.objects.count() == 0


@pytest.mark.parametrize(
    ("payload", "status"),
    [
        ({"title": "ab", "body": "Text"}, 422),
        ({"title": "Titel", "body": "  "}, 422),
        ({"title": "Titel", "body": "Text", "summary": "x" * 401}, 422),
        ({"title": "Titel"}, 422),
    ],
)
def test_bad_article_input_is_422_and_saves_nothing(client, brand, agent, payload, status):
    assert call(client, "post", url(brand), agent, payload).status_code == status
    assert Article.objects.count() == 0


def test_patch_changes_only_given_fields(client, brand, agent, draft):
    response = call(client, "patch", url(brand, "/geheimer-entwurf"), agent, {"summary": "Kurz gesagt"})
    assert response.status_code == 200
    assert response.json()["summary"] == "Kurz gesagt" and response.json()["title"] == "Geheimer Entwurf"
    renamed = call(client, "patch", url(brand, "/geheimer-entwurf"), agent, {"title": "Offener Entwurf"})
    assert renamed.json()["title"] == "Offener Entwurf" and renamed.json()["slug"] == "geheimer-entwurf"


def test_patch_refusals(client, brand, agent, member, published, draft):
    assert (
        call(client, "patch", url(brand, "/neuer-fahrplan"), member, {"title": "Gekapert"}).status_code == 403
    )
    assert (
        call(client, "patch", url(brand, "/geheimer-entwurf"), member, {"title": "Gekapert"}).status_code
        == 404
    )
    assert call(client, "patch", url(brand, "/neuer-fahrplan"), agent, {"body": ""}).status_code == 422
    published.refresh_from_db()
    assert published.title == "Neuer Fahrplan" and published.body == "Ab **Montag**."


def test_publish_opens_the_discussion(client, brand, agent, draft):
    response = call(client, "post", url(brand, "/geheimer-entwurf/publish"), agent)
    assert response.status_code == 200
    assert response.json()["status"] == "published" and response.json()["discussion_id"] is not None
    assert (
        call(client, "post", url(brand, "/geheimer-entwurf/publish"), agent).status_code == 200
    )  # idempotent


def test_publish_refusals(client, brand, other_brand, member, published, draft):
    assert call(client, "post", url(brand, "/neuer-fahrplan/publish"), member).status_code == 403
    assert call(client, "post", url(brand, "/geheimer-entwurf/publish"), member).status_code == 404
    outsider = member_factory(other_brand, Role.ADMIN, username="fremd")
    assert call(client, "post", url(brand, "/geheimer-entwurf/publish"), outsider).status_code == 404
    draft.refresh_from_db()
    assert draft.status == Article.Status.DRAFT


def test_comment_and_list_comments(client, brand, member, published):
    created = call(client, "post", url(brand, "/neuer-fahrplan/comments"), member, {"body": "Endlich!"})
    assert created.status_code == 201
    assert created.json()["body"] == "Endlich!" and created.json()["thread_id"] == published.discussion_id
    page = client.get(url(brand, "/neuer-fahrplan/comments")).json()
    assert page["count"] == 1 and page["items"][0]["author"] == "mia"
    assert client.get(url(brand)).json()["items"][0]["comment_count"] == 1


def test_comment_refusals(client, brand, agent, member, published, draft):
    assert (
        call(client, "post", url(brand, "/geheimer-entwurf/comments"), member, {"body": "Hallo"}).status_code
        == 404
    )
    closed = call(client, "post", url(brand, "/geheimer-entwurf/comments"), agent, {"body": "Hallo"})
    assert closed.status_code == 403  # the team sees the draft, but comments open on publishing
    empty = call(client, "post", url(brand, "/neuer-fahrplan/comments"), member, {"body": " "})
    assert empty.status_code == 422 and "body" in empty.json()["errors"]
    assert (
        call(client, "post", url(brand, "/neuer-fahrplan/comments"), None, {"body": "Hallo"}).status_code
        == 401
    )
    assert Post.objects.count() == 0


def test_draft_without_discussion_has_no_comments(client, brand, agent, draft):
    assert call(client, "get", url(brand, "/geheimer-entwurf/comments"), agent).json() == {
        "items": [],
        "count": 0,
    }
