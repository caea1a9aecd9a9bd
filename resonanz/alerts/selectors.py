"""Reading alerts: brand-scoped lists, one alert with its timeline and example posts."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from resonanz.accounts.models import Brand
from resonanz.alerts.models import Alert, CrisisMode
from resonanz.core.errors import NotFound
from resonanz.inbox.models import Message


def list_alerts(brand: Brand) -> QuerySet[Alert]:
    return Alert.objects.filter(brand=brand).select_related("crisis")


def count_unresolved(brand: Brand) -> int:
    return Alert.objects.filter(brand=brand).exclude(status=Alert.Status.RESOLVED).count()


def get_alert(brand: Brand, alert_id: int) -> Alert:
    alert = Alert.objects.filter(brand=brand, pk=alert_id).select_related("brand").first()
    if alert is None:
        raise NotFound("unknown alert")
    return alert


def example_messages(alert: Alert) -> list[Message]:
    return list(
        Message.objects.filter(pk__in=alert.example_message_ids, conversation__brand=alert.brand)
        .select_related("conversation", "channel")
        .order_by("created_at")
    )


def status_article(crisis: CrisisMode) -> Any:
    """The blog article of the crisis' public status post, if one was published."""
    if crisis.status_article_id is None:
        return None
    from resonanz.blog.models import Article

    return Article.objects.filter(brand=crisis.brand_id, pk=crisis.status_article_id).first()


def active_crisis(brand: Brand) -> CrisisMode | None:
    return CrisisMode.objects.filter(brand=brand, ended_at__isnull=True).select_related("alert").first()


def list_holding_statements(brand: Brand) -> QuerySet:
    """The brand's prepared holding statements (offered as ⚠ saved replies in the composer in a crisis)."""
    from resonanz.alerts.models import HoldingStatement

    return HoldingStatement.objects.filter(brand=brand)
