"""Brand-defined topics: services (validation, roles, cache), classification applies them, the staff
page, the API and the CLI."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation
from ninja import NinjaAPI
from ninja.testing import TestClient

import resonanz.api
from resonanz.accounts.models import Brand, Role, User
from resonanz.accounts.tests.factories import member_factory
from resonanz.classify import selectors, services
from resonanz.classify.api import router
from resonanz.classify.models import Topic
from resonanz.core.errors import InvalidInput, NotAllowed

pytestmark = pytest.mark.django_db

LATE = "Mein Zug hat heute eine Verspätung von 40 Minuten"
WIFI_EXAMPLES = ["Das WLAN im ICE funktioniert nicht", "Kein WLAN im Zug, wieder mal"]


@pytest.fixture(autouse=True)
def english(settings: Any) -> Iterator[None]:
    """Messages are asserted in English (the catalogue may translate them any time)."""
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def late_topic(brand: Brand, manager: User) -> Topic:
    return services.create_topic(brand, name="Verspätung", keywords=["verspät*", "zu spät"], by=manager)


def test_create_topic_normalises_and_applies_to_classification(brand: Brand, manager: User) -> None:
    assert services.classify_post(LATE, brand_slug=brand.slug).topics == []
    topic = services.create_topic(
        brand, name="  Verspätung  ", keywords=["verspät*", " verspät* ", "", "zu  spät"], by=manager
    )
    assert topic.name == "Verspätung" and topic.keywords == ["verspät*", "zu spät"]
    result = services.classify_post(LATE, brand_slug=brand.slug)
    assert result.topics == ["Verspätung"]
    assert result.explanations["topics"] == [{"topic": "Verspätung", "rule": "keyword 'verspät*'"}]


def test_classify_many_applies_topics_in_order(brand: Brand, manager: User, late_topic: Topic) -> None:
    services.create_topic(brand, name="WLAN", examples=WIFI_EXAMPLES, by=manager)
    results = services.classify_many(
        [LATE, "WLAN im ICE geht schon wieder nicht", "Schönes Wetter heute"], brand_slug=brand.slug
    )
    assert [r.topics for r in results] == [["Verspätung"], ["WLAN"], []]
    assert all(set(r.explanations) <= {"language", "criticism", "type", "topics"} for r in results)
    explained = services.classify_many([LATE], brand_slug=brand.slug, explain=True)[0]
    assert "sentiment" in explained.explanations
    assert services.classify_many([], brand_slug=brand.slug) == []
    # without a brand (or with explicit topics) nothing is read from the database
    assert services.classify_many([LATE])[0].topics == []
    assert services.classify_many([LATE], brand_slug=brand.slug, topics=())[0].topics == []


def test_topics_are_per_brand(brand: Brand, other_brand: Brand, late_topic: Topic) -> None:
    assert services.classify_post(LATE, brand_slug=other_brand.slug).topics == []
    assert selectors.brand_topics(brand_slug=other_brand.slug) == []


def test_update_and_delete_invalidate_the_cache(
    brand: Brand, manager: User, late_topic: Topic, django_capture_on_commit_callbacks: object
) -> None:
    assert [t.name for t in selectors.brand_topics(brand_slug=brand.slug)] == ["Verspätung"]
    services.update_topic(late_topic, name="Pünktlichkeit", by=manager)
    assert services.classify_post(LATE, brand_slug=brand.slug).topics == ["Pünktlichkeit"]
    services.update_topic(late_topic, active=False, by=manager)
    assert services.classify_post(LATE, brand_slug=brand.slug).topics == []
    services.update_topic(late_topic, active=True, keywords=["minuten"], by=manager)
    assert selectors.brand_topics(brand_slug=brand.slug)[0].keywords == ("minuten",)
    services.delete_topic(late_topic, by=manager)
    assert selectors.brand_topics(brand_slug=brand.slug) == []
    assert not Topic.objects.exists()


def test_brand_topics_are_cached(brand: Brand, late_topic: Topic, django_assert_num_queries: object) -> None:
    selectors.brand_topics(brand_slug=brand.slug)
    with django_assert_num_queries(0):  # type: ignore[operator]
        assert len(selectors.brand_topics(brand_slug=brand.slug)) == 1


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"name": "", "keywords": ["x"]}, "name"),
        ({"name": "x" * 61, "keywords": ["x"]}, "name"),
        ({"name": "Leer"}, "keywords"),
        ({"name": "Stern", "keywords": ["*bahn"]}, "keywords"),
        ({"name": "Zeichen", "keywords": ["!!!"]}, "keywords"),
        ({"name": "Lang", "keywords": ["a" * 61]}, "keywords"),
        ({"name": "Viele", "keywords": [f"k{i}" for i in range(51)]}, "keywords"),
        ({"name": "Beispiele", "examples": ["x"] * 21}, "examples"),
        ({"name": "Ähnlich", "keywords": ["x"], "min_similarity": 1.0}, "min_similarity"),
    ],
)
def test_invalid_topics_are_refused_naming_the_field(
    brand: Brand, manager: User, kwargs: dict[str, object], field: str
) -> None:
    with pytest.raises(InvalidInput) as caught:
        services.create_topic(brand, by=manager, **kwargs)  # type: ignore[arg-type]
    assert field in caught.value.errors
    assert not Topic.objects.exists()


def test_names_are_unique_per_brand_ignoring_case(
    brand: Brand, other_brand: Brand, manager: User, late_topic: Topic
) -> None:
    with pytest.raises(InvalidInput, match="already"):
        services.create_topic(brand, name="VERSPÄTUNG", keywords=["x"], by=manager)
    other = services.create_topic(brand, name="WLAN", keywords=["wlan"], by=manager)
    with pytest.raises(InvalidInput, match="already"):
        services.update_topic(other, name="verspätung", by=manager)
    other_manager = member_factory(other_brand, Role.MANAGER, username="olga")
    assert services.create_topic(other_brand, name="Verspätung", keywords=["x"], by=other_manager)
    with pytest.raises(NotAllowed):  # a manager of one brand is nobody in another
        services.create_topic(other_brand, name="WLAN", keywords=["x"], by=manager)


def test_only_managers_change_topics(brand: Brand, agent: User, manager: User, late_topic: Topic) -> None:
    with pytest.raises(NotAllowed):
        services.create_topic(brand, name="WLAN", keywords=["wlan"], by=agent)
    with pytest.raises(NotAllowed):
        services.update_topic(late_topic, name="x", by=agent)
    with pytest.raises(NotAllowed):
        services.delete_topic(late_topic, by=None)
    assert list(selectors.list_topics(brand, viewer=agent)) == [late_topic]


def test_split_helpers() -> None:
    assert services.split_keywords("a, b\nc d,,\n") == ["a", "b", "c d"]
    assert services.split_examples("eins\n\n zwei \n") == ["eins", "zwei"]


# --- the staff page -------------------------------------------------------------------------------


def test_topics_page_create_edit_delete(client: Client, brand: Brand, manager: User) -> None:
    client.force_login(manager)
    url = reverse("classify:topics", args=[brand.slug])
    page = client.get(url)
    assert page.status_code == 200 and "No topics yet" in page.content.decode()
    response = client.post(
        url,
        {
            "name": "WLAN",
            "keywords": "wlan, wifi\ninternet",
            "examples": "\n".join(WIFI_EXAMPLES),
            "min_similarity": "0.3",
            "active": "on",
        },
    )
    assert response.status_code == 302
    topic = Topic.objects.get()
    assert topic.keywords == ["wlan", "wifi", "internet"] and topic.examples == WIFI_EXAMPLES
    listing = client.get(url).content.decode()
    assert "wlan, wifi, internet" in listing and "2 examples" in listing
    tried = client.get(url, {"text": "Im Zug gibt es kein Internet"}).content.decode()
    assert "WLAN" in tried and "keyword &#x27;internet&#x27;" in tried
    edit = reverse("classify:topic_edit", args=[brand.slug, topic.pk])
    assert "wifi" in client.get(edit).content.decode()
    assert client.post(edit, {"name": "Netz", "keywords": "netz", "min_similarity": "0.4"}).status_code == 302
    topic.refresh_from_db()
    assert (topic.name, topic.keywords, topic.examples, topic.active) == ("Netz", ["netz"], [], False)
    bad = client.post(url, {"name": "Leer", "keywords": "", "examples": "", "min_similarity": "0.3"})
    assert bad.status_code == 200 and "at least one keyword" in bad.content.decode()
    assert client.post(reverse("classify:topic_delete", args=[brand.slug, topic.pk])).status_code == 302
    assert not Topic.objects.filter(name__in=["Netz", "Leer"]).exists()


def test_topics_page_roles(
    client: Client, brand: Brand, other_brand: Brand, agent: User, member: User, late_topic: Topic
) -> None:
    url = reverse("classify:topics", args=[brand.slug])
    assert client.get(url).status_code == 302  # login first
    client.force_login(member)
    assert client.get(url).status_code == 403
    client.force_login(agent)
    page = client.get(url).content.decode()
    assert "Verspätung" in page and "New topic" not in page  # agents read and try, managers edit
    assert client.post(url, {"name": "X", "keywords": "x", "min_similarity": "0.3"}).status_code == 403
    delete = reverse("classify:topic_delete", args=[brand.slug, late_topic.pk])
    assert client.post(delete).status_code == 403
    assert client.get(reverse("classify:topic_edit", args=[other_brand.slug, late_topic.pk])).status_code in (
        403,
        404,
    )
    assert Topic.objects.count() == 1


# --- the API ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def api_client() -> TestClient:
    api = NinjaAPI(urls_namespace="classify-topics-test")
    api.add_exception_handler(resonanz.api.DomainError, resonanz.api.domain_error)
    api.add_router("", router)
    return TestClient(api)


def test_api_topics_crud_and_classification(
    api_client: TestClient, brand: Brand, manager: User, agent: User
) -> None:
    base = f"/brands/{brand.slug}/topics"
    created = api_client.post(base, json={"name": "Verspätung", "keywords": ["verspät*"]}, user=manager)
    assert created.status_code == 201, created.content
    topic_id = created.json()["id"]
    assert created.json()["active"] is True and created.json()["min_similarity"] == 0.3
    assert [t["name"] for t in api_client.get(base, user=agent).json()] == ["Verspätung"]
    body = api_client.post(f"/brands/{brand.slug}/classify", json={"text": LATE}, user=agent).json()
    assert body["topics"] == ["Verspätung"]
    batch = api_client.post(
        f"/brands/{brand.slug}/classify/batch", json={"texts": [LATE, "Danke!"]}, user=agent
    )
    assert batch.status_code == 200 and [r["topics"] for r in batch.json()] == [["Verspätung"], []]
    patched = api_client.patch(f"{base}/{topic_id}", json={"active": False}, user=manager)
    assert patched.status_code == 200 and patched.json()["keywords"] == ["verspät*"]
    assert (
        api_client.post(f"/brands/{brand.slug}/classify", json={"text": LATE}, user=agent).json()["topics"]
        == []
    )
    assert api_client.get(f"{base}/{topic_id}", user=agent).json()["active"] is False
    assert api_client.delete(f"{base}/{topic_id}", user=agent).status_code == 403
    assert api_client.delete(f"{base}/{topic_id}", user=manager).status_code == 204
    assert api_client.get(f"{base}/{topic_id}", user=agent).status_code == 404


def test_api_topic_errors(api_client: TestClient, brand: Brand, manager: User, agent: User) -> None:
    base = f"/brands/{brand.slug}/topics"
    assert api_client.post(base, json={"name": "X", "keywords": ["x"]}, user=agent).status_code == 403
    empty = api_client.post(base, json={"name": "Leer"}, user=manager)
    assert empty.status_code == 422 and "keywords" in empty.json()["errors"]
    assert api_client.post(base, json={"name": "X", "min_similarity": 2}, user=manager).status_code == 422
    too_many = {"texts": ["x"] * (services.MAX_BATCH + 1)}
    assert (
        api_client.post(f"/brands/{brand.slug}/classify/batch", json=too_many, user=agent).status_code == 422
    )


# --- the CLI ------------------------------------------------------------------------------------


def test_classify_cli_with_brand_applies_its_topics(
    brand: Brand, late_topic: Topic, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from resonanz.classify.commands import main

    path = tmp_path / "posts.txt"
    path.write_text(f"{LATE}\nSchönes Wetter\n", encoding="utf-8")
    assert main(["classify", "--brand", brand.slug, "--no-explain", str(path)]) == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [line["topics"] for line in lines] == [["Verspätung"], []]
    assert main(["classify", "--brand", "no-such-brand", str(path)]) == 2
    assert "no brand" in capsys.readouterr().err
