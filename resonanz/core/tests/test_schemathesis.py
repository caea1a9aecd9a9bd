"""Property-based run of schemathesis against the live OpenAPI schema: no request may cause a server error.

The WSGI app is called in-process (same thread, same test transaction), with a seeded brand and a
moderator's token. Path parameters mostly name the seeded objects (so requests get past "not found" and
reach the services), sometimes anything the schema allows. Routers that add path parameters should add
their seeded objects to the dictionaries below.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.config import SchemathesisConfig
from schemathesis.specs.openapi.checks import positive_data_acceptance

from resonanz.accounts.models import Brand, Role
from resonanz.accounts.services import create_api_token
from resonanz.accounts.tests.factories import member_factory
from resonanz.blog.services import create_article
from resonanz.community.tests.factories import category_factory, thread_factory
from resonanz.wsgi import application

pytestmark = pytest.mark.slow

# Per operation and phase; raise it for a deeper local run: RESONANZ_SCHEMATHESIS_EXAMPLES=200 pytest …
MAX_EXAMPLES = int(os.environ.get("RESONANZ_SCHEMATHESIS_EXAMPLES", "15"))


@pytest.fixture
def _keep_test_connection() -> Iterator[None]:
    """Call the WSGI app like Django's test client does: without closing the connection after each request.

    Otherwise ``close_old_connections`` ends the test transaction (on PostgreSQL) after the first request.
    """
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


@pytest.fixture
def api_schema(
    _keep_test_connection: None, request: pytest.FixtureRequest, db: None, brand: Brand, other_brand: Brand
) -> Any:
    """The schema, loaded from the app, with a seeded brand the generated requests point at."""
    # schemathesis 4.32's lazy loader still reads ``Node._nodeid``, which pytest 9 no longer sets.
    if not hasattr(request.node, "_nodeid"):
        request.node._nodeid = request.node.nodeid
    moderator = member_factory(brand, Role.MODERATOR, username="st-mod")
    _token, plain = create_api_token(moderator, name="schemathesis")
    thread = thread_factory(brand, replies=2)
    own_thread = thread_factory(brand, author=moderator, title="Eigener Thread")
    thread_factory(other_brand)
    category_factory(brand, slug="fahrplan", name="Fahrplan")
    article = create_article(brand, title="Neuer Fahrplan", body="Ab Montag.", by=moderator, publish=True)
    create_article(brand, title="Entwurf", body="Noch geheim.", by=moderator)
    post_ids = list(thread.posts.values_list("pk", flat=True)) + list(
        own_thread.posts.values_list("pk", flat=True)
    )

    def seeded(name: str) -> dict[str, Any]:
        # Mostly a seeded object, sometimes whatever the schema allows (which is then "not found").
        return {"dictionary": name, "probability": 0.85}

    config = SchemathesisConfig.from_dict(
        {
            "dictionaries": {
                "brands": {"values": [brand.slug]},
                "threads": {"values": [thread.pk, own_thread.pk]},
                "posts": {"values": post_ids},
                "articles": {"values": [article.slug, "entwurf"]},
                "categories": {"values": ["allgemein", "fahrplan"]},
            },
            "parameters": {
                "path.brand_slug": seeded("brands"),
                "path.thread_id": seeded("threads"),
                "path.post_id": seeded("posts"),
                "path.article_slug": seeded("articles"),
                "path.category_slug": seeded("categories"),
                "body.category": seeded("categories"),
            },
            "headers": {"Authorization": f"Bearer {plain}"},
        }
    )
    return schemathesis.openapi.from_wsgi("/api/openapi.json", application, config=config)


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
    ],
)
def test_api_never_answers_with_a_server_error(case: Any) -> None:
    # Every default check (no 5xx, documented status codes and bodies, schema-invalid input refused, auth
    # enforced) except accepting every schema-valid body: the services refuse some of those on purpose,
    # e.g. a whitespace-only title, with a 422 that names the field.
    case.call_and_validate(excluded_checks=[positive_data_acceptance])
