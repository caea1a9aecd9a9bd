"""Brand admins set the retention periods on a page; nobody else may."""

from __future__ import annotations

import pytest
from django.urls import reverse

from resonanz.core.errors import InvalidInput, NotAllowed
from resonanz.privacy.models import RetentionSettings
from resonanz.privacy.retention import apply_retention
from resonanz.privacy.services import update_retention_settings

pytestmark = pytest.mark.django_db

FORM = {
    "external_messages_days": "180",
    "ip_addresses_days": "7",
    "webhook_deliveries_days": "30",
    "task_results_days": "14",
    "dead_letters_days": "60",
}


def test_admin_sets_the_periods_on_the_page(client, brand, brand_admin):
    client.force_login(brand_admin)
    url = reverse("privacy:retention", args=[brand.slug])
    page = client.get(url)
    assert page.status_code == 200 and b'value="365"' in page.content  # the defaults are shown
    assert client.post(url, FORM).status_code == 302
    saved = RetentionSettings.objects.get(brand=brand)
    assert (saved.external_messages_days, saved.ip_addresses_days) == (180, 7)
    apply_retention()
    assert b"external_messages: 0" in client.get(url).content  # the last run's counts for this brand


def test_out_of_range_period_is_refused_and_nothing_saved(client, brand, brand_admin):
    client.force_login(brand_admin)
    page = client.post(reverse("privacy:retention", args=[brand.slug]), FORM | {"ip_addresses_days": "0"})
    assert page.status_code == 200 and b"errorlist" in page.content
    assert not RetentionSettings.objects.exists()
    with pytest.raises(InvalidInput) as caught:
        update_retention_settings(brand, by=brand_admin, dead_letters_days=99999)
    assert "dead_letters_days" in caught.value.errors
    assert not RetentionSettings.objects.exists()


def test_only_brand_admins_may_see_or_change_the_periods(client, brand, manager, other_brand):
    client.force_login(manager)
    assert client.get(reverse("privacy:retention", args=[brand.slug])).status_code == 403
    assert client.post(reverse("privacy:retention", args=[brand.slug]), FORM).status_code == 403
    with pytest.raises(NotAllowed):
        update_retention_settings(brand, by=manager, external_messages_days=1)
    assert not RetentionSettings.objects.exists()
