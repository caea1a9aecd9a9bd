"""Fixtures of the classify tests: the shipped classifier, the shipped sample, the real data (if present)."""

from __future__ import annotations

from pathlib import Path

import pytest

from resonanz.classify.ml.pipeline import Classifier, get_classifier

REPO = Path(__file__).resolve().parents[3]
SAMPLE_DIR = REPO / "data" / "samples"
SHARED_DATA = REPO.parent / "shared" / "data"


@pytest.fixture(scope="session")
def classifier() -> Classifier:
    return get_classifier()


@pytest.fixture
def shared_data() -> Path:
    if not (SHARED_DATA / "germeval2017").is_dir():
        pytest.skip("the datasets directory ../shared/data is not present")
    return SHARED_DATA
