"""Project-wide fixtures: a brand with one user per role, and a second brand for isolation tests."""

from __future__ import annotations

import pytest

from resonanz.accounts.models import Brand, Role, User
from resonanz.accounts.tests.factories import BrandFactory, member_factory


@pytest.fixture
def brand(db: None) -> Brand:
    return BrandFactory.create(name="Elbtal Bahn", slug="elbtal-bahn")


@pytest.fixture
def other_brand(db: None) -> Brand:
    return BrandFactory.create(name="Eiscafé Venezia", slug="eiscafe-venezia")


@pytest.fixture
def member(brand: Brand) -> User:
    return member_factory(brand, Role.MEMBER, username="mia")


@pytest.fixture
def agent(brand: Brand) -> User:
    return member_factory(brand, Role.AGENT, username="alex")


@pytest.fixture
def moderator(brand: Brand) -> User:
    return member_factory(brand, Role.MODERATOR, username="mo")


@pytest.fixture
def manager(brand: Brand) -> User:
    return member_factory(brand, Role.MANAGER, username="maren")


@pytest.fixture
def brand_admin(brand: Brand) -> User:
    return member_factory(brand, Role.ADMIN, username="ada")


# --- markers: tests that need a real service run where it exists, and must run in CI ---------------
def _service_missing(marker: str) -> str | None:
    import os
    import shutil
    import socket

    from django.conf import settings

    if marker == "postgres":
        engine = settings.DATABASES["default"]["ENGINE"]
        return None if "postgresql" in engine else "runs in the PostgreSQL pass (DATABASE_URL=postgres://…)"
    if marker == "redis":
        url = os.environ.get("REDIS_URL_TEST", "redis://127.0.0.1:6379/15")
        host_port = url.split("//", 1)[1].split("/", 1)[0]
        host, _, port = host_port.rpartition(":")
        try:
            socket.create_connection((host or "127.0.0.1", int(port or 6379)), timeout=1).close()
        except OSError:
            return f"Redis not reachable at {url}"
        return None
    if marker == "browser":
        if not shutil.which("chromium"):
            return "Debian's chromium is not installed (apt-get install chromium)"
        return None
    return None


def pytest_runtest_setup(item: pytest.Item) -> None:
    import os

    for marker in ("postgres", "redis", "browser"):
        if item.get_closest_marker(marker) is None:
            continue
        reason = _service_missing(marker)
        if reason is None:
            continue
        if marker != "postgres" and os.environ.get("CI"):
            pytest.fail(f"{marker} test cannot run in CI: {reason}")
        pytest.skip(reason)


from resonanz.core.tests.browser import browser_page  # noqa: E402, F401  (fixture for browser tests)
