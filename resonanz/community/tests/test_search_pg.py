"""PostgreSQL full-text search uses the German configuration (stemming), behind the same function."""

from __future__ import annotations

import pytest

from resonanz.community.search import search_posts
from resonanz.community.tests.factories import thread_factory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


def test_german_stemming_finds_inflected_forms(brand):
    thread_factory(brand, body="Die Züge hatten heute wieder Verspätungen")
    thread_factory(brand, body="Alles pünktlich, danke")
    assert [p.body for p in search_posts(brand, "Verspätung")] == [
        "Die Züge hatten heute wieder Verspätungen"
    ]
