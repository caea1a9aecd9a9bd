"""Helpers of the community API tests: token headers, one call shape, brand URLs, fresh rate limits."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client

from resonanz.accounts.models import Brand, User
from resonanz.accounts.services import create_api_token


@pytest.fixture(autouse=True)
def _fresh_rate_limits() -> None:
    cache.clear()  # rate-limit counters live in the cache and would leak between tests


def bearer(user: User) -> dict[str, str]:
    _token, plain = create_api_token(user, name="test")
    return {"HTTP_AUTHORIZATION": f"Bearer {plain}"}


def call(
    client: Client, method: str, url: str, user: User | None = None, data: Any = None, **extra: Any
) -> Any:
    headers = {**(bearer(user) if user else {}), **extra}
    if data is None:
        return getattr(client, method)(url, **headers)
    return getattr(client, method)(url, data, content_type="application/json", **headers)


def url(brand: Brand, rest: str = "") -> str:
    return f"/api/brands/{brand.slug}{rest}"
