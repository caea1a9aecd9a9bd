"""Read queries of the classify app."""

from __future__ import annotations

from typing import Any

from django.core.cache import cache
from django.db.models import QuerySet

from resonanz.accounts.models import Brand, Role
from resonanz.accounts.permissions import AnyUser, check_role
from resonanz.classify.ml.topics import BrandTopic
from resonanz.classify.models import LabelCorrection, Topic
from resonanz.core.errors import NotFound

# Topics are read for every classified batch; a change invalidates the entry (services._invalidate).
# The timeout only bounds staleness if an invalidation is ever missed (e.g. a brand's slug changed).
TOPICS_CACHE_SECONDS = 600


def list_corrections(*, brand: Brand) -> QuerySet[LabelCorrection]:
    """A brand's label corrections, oldest first (training reads them in a stable order)."""
    return LabelCorrection.objects.filter(brand=brand).order_by("created_at", "id")


def list_topics(brand: Brand, *, viewer: AnyUser | None) -> QuerySet[Topic]:
    """All topics of a brand, active or not (the brand team: agents and up)."""
    check_role(viewer, brand, Role.AGENT)
    return Topic.objects.filter(brand=brand).order_by("name", "id")


def get_topic(brand: Brand, topic_id: int, *, viewer: AnyUser | None) -> Topic:
    found = list_topics(brand, viewer=viewer).filter(pk=topic_id).first()
    if found is None:
        raise NotFound(f"unknown topic {topic_id}")
    return found


def _cache_key(brand_slug: str) -> str:
    return f"classify:topics:{brand_slug}"


def brand_topics(*, brand_slug: str) -> list[BrandTopic]:
    """The brand's active topics as the classifier takes them, cached per brand.

    Cached as plain dicts (not pickled dataclasses) so a code change cannot break cached entries.
    """
    key = _cache_key(brand_slug)
    rows: list[dict[str, Any]] | None = cache.get(key)
    if rows is None:
        rows = [
            {
                "name": t.name,
                "keywords": list(t.keywords),
                "examples": list(t.examples),
                "min_similarity": float(t.min_similarity),
            }
            for t in Topic.objects.filter(brand__slug=brand_slug, active=True).order_by("name", "id")
        ]
        cache.set(key, rows, timeout=TOPICS_CACHE_SECONDS)
    return [BrandTopic(**row) for row in rows]


def forget_brand_topics(*, brand_slug: str) -> None:
    cache.delete(_cache_key(brand_slug))
