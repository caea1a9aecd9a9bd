"""``resonanz train --brand SLUG``: adapt the models to a brand's corrections (needs the database)."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from resonanz.classify.ml.topics import BrandTopic
from resonanz.classify.ml.training import TrainConfig


def train_for_brand(
    slug: str,
    *,
    data_dir: Path,
    seed: int = 13,
    folds: int = 0,
    permissive_only: bool = False,
    progress: Callable[[str], None] = print,
    out_root: Path | None = None,
) -> int:
    """Train ``<RESONANZ_DATA_DIR>/models/<slug>/`` and print before/after; returns the exit code."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "resonanz.settings.base")
    import django

    django.setup()
    from resonanz.accounts.models import Brand
    from resonanz.classify.ml import pipeline
    from resonanz.classify.ml.adaptation import adapt
    from resonanz.classify.selectors import list_corrections

    brand = Brand.objects.filter(slug=slug).first()
    if brand is None:
        print(f"error: no brand with slug {slug!r}")
        return 2
    corrections = [(c.text, c.task, c.label) for c in list_corrections(brand=brand)]
    if not corrections:
        print(f"error: brand {slug!r} has no label corrections yet; nothing to adapt to")
        return 2
    out_dir = pipeline.brand_model_dir(slug, out_root)
    config = TrainConfig(data_dir=data_dir, seed=seed, folds=folds, permissive_only=permissive_only)
    report = adapt(
        corrections,
        base=pipeline.get_classifier(),
        config=config,
        out_dir=out_dir,
        brand_slug=slug,
        progress=progress,
    )
    pipeline.clear_cache()
    print(f"brand model {report.artefact.version} for {slug} in {out_dir}")
    for line in report.lines():
        print(line)
    return 0


def brand_topics_for_cli(slug: str) -> list[BrandTopic] | None:
    """The brand's active topics for ``resonanz classify --brand`` (None: no such brand)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "resonanz.settings.base")
    import django

    django.setup()
    from resonanz.accounts.models import Brand
    from resonanz.classify.selectors import brand_topics

    if not Brand.objects.filter(slug=slug).exists():
        return None
    return brand_topics(brand_slug=slug)
