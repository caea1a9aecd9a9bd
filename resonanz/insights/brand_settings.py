"""Reading and writing a brand's insights settings (business hours, Dialog-Bilanz, periodic report)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from resonanz.accounts.models import Brand
from resonanz.accounts.permissions import AnyUser
from resonanz.core.errors import InvalidInput
from resonanz.insights.cycles import BusinessHours
from resonanz.insights.holidays import STATES
from resonanz.insights.models import InsightsSettings, ReportFrequency
from resonanz.insights.permissions import check_manager

EDITABLE = (
    "public_bilanz",
    "business_hours",
    "business_start",
    "business_end",
    "business_days",
    "holiday_state",
    "report_frequency",
)
# Settings that change which seconds count, so response times must be recomputed.
HOURS_FIELDS = ("business_hours", "business_start", "business_end", "business_days", "holiday_state")


def settings_for(brand: Brand) -> InsightsSettings:
    """The brand's settings; defaults (unsaved) when none were stored yet, so reads never write."""
    found = InsightsSettings.objects.filter(brand=brand).first()
    return found or InsightsSettings(brand=brand)


def business_hours_for(settings: InsightsSettings | None) -> BusinessHours | None:
    if settings is None or not settings.business_hours:
        return None
    return BusinessHours(
        tz=settings.brand.timezone,
        days=frozenset(int(d) for d in settings.business_days if d.isdigit()),
        start_hour=settings.business_start,
        end_hour=settings.business_end,
        holiday_state=settings.holiday_state,
    )


def _validate(values: dict[str, Any]) -> None:
    if not 0 <= values["business_start"] < values["business_end"] <= 24:
        raise InvalidInput({"business_end": _("Business hours must end after they start (0-24).")})
    days = values["business_days"]
    if not days or any(d not in "0123456" for d in days):
        raise InvalidInput({"business_days": _("Choose at least one business day.")})
    if values["holiday_state"] and values["holiday_state"] not in STATES:
        raise InvalidInput({"holiday_state": _("Unknown federal state for public holidays.")})
    if values["report_frequency"] not in ReportFrequency.values:
        raise InvalidInput({"report_frequency": _("Unknown report frequency.")})


@transaction.atomic
def update_insights_settings(brand: Brand, *, by: AnyUser, **values: Any) -> InsightsSettings:
    """Managers change the settings. The rollup consumer notices changed business hours and recomputes
    the brand's response times; it is queued right away instead of waiting for its next periodic run."""
    check_manager(by, brand)
    settings, _created = InsightsSettings.objects.select_for_update().get_or_create(brand=brand)
    merged = {name: values.get(name, getattr(settings, name)) for name in EDITABLE}
    merged["business_days"] = "".join(sorted(set(str(merged["business_days"]))))
    _validate(merged)
    hours_changed = any(merged[name] != getattr(settings, name) for name in HOURS_FIELDS)
    for name, value in merged.items():
        setattr(settings, name, value)
    settings.save()
    if hours_changed:
        from resonanz.insights.tasks import update_rollups_task

        transaction.on_commit(update_rollups_task.enqueue)
    return settings
