"""Who the client is behind proxies, and that every limiter (API, forms, webhooks) counts that client."""

from __future__ import annotations

import re

import pytest
from django.test import Client, RequestFactory

from resonanz.core import counters
from resonanz.core.clientip import client_ident, parse_trusted
from resonanz.core.models import LimitCounter

pytestmark = pytest.mark.django_db
PROXY = "10.0.0.5"


@pytest.fixture(autouse=True)
def _database_limit_store(settings):
    """The embedded mode's store: counters in the database, rolled back with each test."""
    settings.RESONANZ = {**settings.RESONANZ, "LIMIT_STORE": "database"}


def _trust(settings, value: str, **rates: object) -> None:
    settings.RESONANZ = {**settings.RESONANZ, "TRUSTED_PROXIES": value, **rates}


def _ident(remote: str, xff: str | None = None) -> str:
    extra = {"HTTP_X_FORWARDED_FOR": xff} if xff is not None else {}
    return client_ident(RequestFactory().get("/", REMOTE_ADDR=remote, **extra))


def test_without_trusted_proxies_the_header_is_ignored(settings):
    _trust(settings, "")
    assert _ident("203.0.113.9", "1.2.3.4") == "203.0.113.9"
    assert _ident("203.0.113.9", "garbage, 5.6.7.8") == "203.0.113.9"


def test_one_proxy_by_count(settings):
    _trust(settings, "1")
    assert _ident(PROXY, "198.51.100.1") == "198.51.100.1"
    # The client's own forged entries stand left of what our proxy appended.
    assert _ident(PROXY, "6.6.6.6, 198.51.100.1") == "198.51.100.1"
    assert _ident(PROXY) == PROXY  # no header: the proxy itself (a health check, say)


def test_proxy_networks_are_walked_from_the_right(settings):
    _trust(settings, "10.0.0.0/8, 2001:db8::/32")
    assert _ident(PROXY, "6.6.6.6, 198.51.100.1, 10.0.0.9") == "198.51.100.1"
    # Sent straight to the app from outside the proxy networks: its header is not believed.
    assert _ident("203.0.113.9", "1.2.3.4") == "203.0.113.9"
    assert _ident("2001:db8::1", "2001:db8:1:2:3:4:5:6") == "2001:db8:1:2::/64"  # IPv6 per /64
    assert _ident(PROXY, "::ffff:198.51.100.1") == "198.51.100.1"


def test_a_typo_in_the_setting_is_named():
    with pytest.raises(ValueError, match=re.escape("'10.0.0.0/33'")):
        parse_trusted("10.0.0.0/8, 10.0.0.0/33")


def _anon_get(client: Client, brand, **extra: str) -> int:
    return client.get(f"/api/brands/{brand.slug}/threads", **extra).status_code


def test_api_spoofed_forwarded_for_from_outside_gets_no_new_bucket(settings, brand):
    _trust(settings, "", API_ANON_RATE="3/m")
    client = Client()
    statuses = [
        _anon_get(client, brand, REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_FOR=f"192.0.2.{i}")
        for i in range(5)
    ]
    assert statuses == [200, 200, 200, 429, 429]
    # Another anonymous client is not locked out by the first one (no shared anonymous bucket).
    assert _anon_get(client, brand, REMOTE_ADDR="203.0.113.10") == 200


def test_api_behind_one_trusted_proxy_two_clients_get_two_buckets(settings, brand):
    _trust(settings, "1", API_ANON_RATE="2/m")
    client = Client()
    first = [
        _anon_get(client, brand, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="198.51.100.1") for _ in range(3)
    ]
    second = [
        _anon_get(client, brand, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="198.51.100.2") for _ in range(2)
    ]
    assert first == [200, 200, 429] and second == [200, 200]
    # Forging a left-hand entry behind the proxy changes nothing: the proxy's own entry counts.
    assert _anon_get(client, brand, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="9.9.9.9, 198.51.100.1") == 429


def test_api_users_have_their_own_bucket(settings, brand, member):
    from resonanz.community.tests.api_helpers import bearer

    _trust(settings, "", API_ANON_RATE="1/m", API_RATE="3/m")
    client = Client()
    assert _anon_get(client, brand, REMOTE_ADDR="203.0.113.9") == 200
    assert _anon_get(client, brand, REMOTE_ADDR="203.0.113.9") == 429
    headers = bearer(member)
    assert [_anon_get(client, brand, REMOTE_ADDR="203.0.113.9", **headers) for _ in range(4)] == [
        200,
        200,
        200,
        429,
    ]


def test_form_limits_count_the_client_behind_the_proxy(settings, brand):
    _trust(settings, "1", RATE_LIMITS={**settings.RESONANZ["RATE_LIMITS"], "signup": (1, 3600)})

    def sign_up(name: str, client_address: str) -> object:
        data = {"username": name, "email": f"{name}@example.org", "password": "ein-sehr-langes-passwort"}
        response = Client().post(
            "/accounts/signup/", data, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=client_address
        )
        return "limited" if "Zu viele Anfragen" in response.content.decode() else response.status_code

    assert sign_up("erste", "198.51.100.1") == 302
    assert sign_up("zweite", "198.51.100.2") == 302  # not the proxy's one bucket for everybody
    assert sign_up("dritte", "198.51.100.1") == "limited"


def test_counters_are_atomic_rows_in_the_database():
    assert [counters.hit("t:k", ttl=60) for _ in range(3)] == [1, 2, 3]
    assert counters.peek("t:k") == 3 and LimitCounter.objects.get(key="t:k").count == 3
    assert counters.add_once("t:once", ttl=60) and not counters.add_once("t:once", ttl=60)
    LimitCounter.objects.filter(key="t:once").update(expires_at=0)  # expired: may be used again
    assert counters.add_once("t:once", ttl=60)
    counters.clear("t:k")
    assert counters.peek("t:k") == 0


def test_typos_in_the_network_settings_stop_the_start(settings):
    from resonanz.core.checks import check_network_settings

    assert check_network_settings() == []
    settings.RESONANZ = {
        **settings.RESONANZ,
        "TRUSTED_PROXIES": "10.0.0.0/8, proxy.local",
        "OUTBOUND_ALLOWED_NETWORKS": ["10.1.2.0/24", "intranet"],
    }
    assert [e.id for e in check_network_settings()] == ["resonanz.E003", "resonanz.E004"]
