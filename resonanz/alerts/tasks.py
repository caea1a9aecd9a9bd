"""Background tasks of the alerts app: take ids, reload, call a service. All idempotent."""

from __future__ import annotations

from django_tasks import task

from resonanz.alerts import detection, notify
from resonanz.core.queues import URGENT


@task(queue_name=URGENT)
def detect_crises_task() -> int:
    """Every few minutes: evaluate every brand; at most one unresolved alert per brand is ever open."""
    return len(detection.check_all_brands())


@task(queue_name=URGENT)
def mail_alert_task(alert_id: int, kind: str, recipient_ids: list[int] | None = None) -> int:
    return notify.mail_alert(alert_id, kind, recipient_ids)
