"""Moderation reads, scoped to one brand."""

from __future__ import annotations

from django.db.models import QuerySet

from resonanz.accounts.models import Brand, User
from resonanz.moderation.models import Report


def list_own_reports(user: User, *, brand: Brand) -> QuerySet[Report]:
    return Report.objects.filter(brand=brand, reporter=user).select_related("post", "post__thread")
