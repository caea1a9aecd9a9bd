"""The Django side: corrections, the classify_post service, brand training, and the API."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.utils import translation
from ninja import NinjaAPI
from ninja.testing import TestClient

import resonanz.api  # the API module first, as urls.py does: community.api needs it loaded
from resonanz.accounts.models import Brand, User
from resonanz.classify import services
from resonanz.classify.api import router
from resonanz.classify.brand_training import train_for_brand
from resonanz.classify.ml import pipeline
from resonanz.classify.selectors import list_corrections

from .conftest import SAMPLE_DIR
from .test_adaptation import fixture_corrections

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def client() -> TestClient:
    """The router on an API with the project's domain-error handler (until it is mounted in api.py)."""
    api = NinjaAPI(urls_namespace="classify-test")
    api.add_exception_handler(resonanz.api.DomainError, resonanz.api.domain_error)
    api.add_router("", router)
    return TestClient(api)


def test_classify_post_returns_all_labels() -> None:
    result = services.classify_post("Die Bahn ist schon wieder zu spät!")
    assert result.sentiment == "negative" and result.model_version


def test_record_correction_validates_task_and_label(brand: Brand, agent: User) -> None:
    correction = services.record_correction(
        brand=brand,
        task="sentiment",
        label="positive",
        text="Top!",
        by=agent,
        previous_label="neutral",
        model_version="v1",
    )
    assert list(list_corrections(brand=brand)) == [correction]
    # the field named, and the message in the active language (asserted in English)
    with translation.override("en"):
        with pytest.raises(services.InvalidLabel, match="Unknown label") as label:
            services.record_correction(brand=brand, task="sentiment", label="great", text="Top!", by=agent)
        with pytest.raises(ValueError, match="Unknown task"):
            services.record_correction(brand=brand, task="colour", label="red", text="Top!", by=agent)
        with pytest.raises(services.InvalidLabel) as text:
            services.record_correction(brand=brand, task="type", label="question", text="  ", by=agent)
    assert list(label.value.errors) == ["label"] and list(text.value.errors) == ["text"]


def test_corrections_are_per_brand(brand: Brand, other_brand: Brand, agent: User) -> None:
    services.record_correction(brand=other_brand, task="abuse", label="abusive", text="Du Idiot", by=None)
    assert list(list_corrections(brand=brand)) == []


@pytest.mark.slow
def test_train_for_brand_writes_the_brand_model(
    brand: Brand, agent: User, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for text, task, label in fixture_corrections():
        services.record_correction(brand=brand, task=task, label=label, text=text, by=agent)
    code = train_for_brand(brand.slug, data_dir=SAMPLE_DIR, out_root=tmp_path, progress=lambda _m: None)
    assert code == 0
    out = capsys.readouterr().out
    assert "held back" in out and "sentiment" in out
    model_dir = tmp_path / "models" / brand.slug
    assert (model_dir / "manifest.json").exists()
    assert pipeline.get_classifier(brand.slug, data_dir=tmp_path).artefact.manifest["brand"] == brand.slug
    pipeline.clear_cache()


def test_train_for_brand_without_corrections_fails_clearly(
    brand: Brand, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert train_for_brand(brand.slug, data_dir=SAMPLE_DIR, out_root=tmp_path) == 2
    assert "no label corrections" in capsys.readouterr().out
    assert train_for_brand("no-such-brand", data_dir=SAMPLE_DIR, out_root=tmp_path) == 2


def test_api_classify_needs_an_agent(client: TestClient, brand: Brand, agent: User, member: User) -> None:
    url = f"/brands/{brand.slug}/classify"
    response = client.post(url, json={"text": "Danke, tolles Team!"}, user=agent)
    assert response.status_code == 200
    body = response.json()
    assert body["praise"] is True and body["model_version"] and "explanations" in body
    assert client.post(url, json={"text": "x"}, user=member).status_code == 403


def test_api_corrections(client: TestClient, brand: Brand, agent: User) -> None:
    url = f"/brands/{brand.slug}/corrections"
    response = client.post(url, json={"task": "sentiment", "label": "negative", "text": "Murks"}, user=agent)
    assert response.status_code == 201 and response.json()["label"] == "negative"
    bad = client.post(url, json={"task": "sentiment", "label": "meh", "text": "Murks"}, user=agent)
    assert bad.status_code == 422
