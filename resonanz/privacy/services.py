"""Brand admins set their brand's retention periods."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from resonanz.accounts.models import Brand
from resonanz.accounts.permissions import AnyUser
from resonanz.core.errors import InvalidInput
from resonanz.inbox.permissions import check_admin
from resonanz.privacy.models import RetentionSettings
from resonanz.privacy.retention import settings_for

PERIOD_FIELDS = (
    "external_messages_days",
    "ip_addresses_days",
    "webhook_deliveries_days",
    "task_results_days",
    "dead_letters_days",
)


def retention_settings(brand: Brand, *, viewer: AnyUser) -> RetentionSettings:
    check_admin(viewer, brand)
    return settings_for(brand)


@transaction.atomic
def update_retention_settings(brand: Brand, *, by: AnyUser, **days: int) -> RetentionSettings:
    """Set the periods named in ``days`` (the others keep their value); only a brand admin may."""
    check_admin(by, brand)
    unknown = set(days) - set(PERIOD_FIELDS)
    if unknown:
        raise InvalidInput({"__all__": f"unknown retention periods: {', '.join(sorted(unknown))}"})
    periods = settings_for(brand)
    for name, value in days.items():
        setattr(periods, name, value)
    try:
        periods.full_clean()
    except ValidationError as exc:
        raise InvalidInput({name: " ".join(messages) for name, messages in exc.message_dict.items()}) from exc
    periods.save()
    return periods
