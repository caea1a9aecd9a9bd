"""Read queries of the classify app."""

from __future__ import annotations

from django.db.models import QuerySet

from resonanz.accounts.models import Brand
from resonanz.classify.models import LabelCorrection


def list_corrections(*, brand: Brand) -> QuerySet[LabelCorrection]:
    """A brand's label corrections, oldest first (training reads them in a stable order)."""
    return LabelCorrection.objects.filter(brand=brand).order_by("created_at", "id")
