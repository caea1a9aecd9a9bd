"""The API's OpenAPI schema: valid, browsable at /api/docs, and equal to the checked-in snapshot.

The snapshot makes every change to the public API visible in review. After an intended change, regenerate it:

    RESONANZ_UPDATE_SNAPSHOT=1 pytest resonanz/core/tests/test_openapi.py
"""

from __future__ import annotations

import difflib
import json
import os
from pathlib import Path
from typing import Any

import pytest
from openapi_spec_validator import validate

SNAPSHOT = Path(__file__).with_name("openapi_snapshot.json")
REGENERATE = "RESONANZ_UPDATE_SNAPSHOT=1 pytest resonanz/core/tests/test_openapi.py"


@pytest.fixture
def live_schema(client: Any) -> dict[str, Any]:
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    return response.json()


def _dump(schema: dict[str, Any]) -> str:
    return json.dumps(schema, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def test_schema_is_valid_openapi(live_schema: dict[str, Any]) -> None:
    validate(live_schema)  # raises with the offending path if the document is not valid OpenAPI


def test_interactive_docs_render(client: Any) -> None:
    response = client.get("/api/docs")
    assert response.status_code == 200
    assert b"swagger" in response.content.lower()
    assert b"/api/openapi.json" in response.content


def test_every_operation_is_documented_with_its_refusals(live_schema: dict[str, Any]) -> None:
    for path, operations in live_schema["paths"].items():
        for method, operation in operations.items():
            codes = set(operation["responses"])
            assert any(code.startswith("2") for code in codes), (
                f"{method.upper()} {path} documents no success"
            )
            if method != "get":
                assert {"401", "403", "422"} <= codes, f"{method.upper()} {path} leaves refusals undocumented"


def test_schema_matches_the_snapshot(live_schema: dict[str, Any]) -> None:
    live = _dump(live_schema)
    if os.environ.get("RESONANZ_UPDATE_SNAPSHOT") == "1":
        SNAPSHOT.write_text(live, encoding="utf-8")
        pytest.skip(f"snapshot regenerated: {SNAPSHOT}")
    assert SNAPSHOT.exists(), f"No API schema snapshot yet; create it with:\n    {REGENERATE}"
    stored = SNAPSHOT.read_text(encoding="utf-8")
    if stored != live:
        diff = "".join(
            difflib.unified_diff(
                stored.splitlines(keepends=True), live.splitlines(keepends=True), "snapshot", "live", n=2
            )
        )
        pytest.fail(
            f"The API schema differs from {SNAPSHOT.name}. If the change is intended, "
            f"regenerate the snapshot and commit it:\n    {REGENERATE}\n\n{diff[:6000]}"
        )


def test_an_oversized_api_body_is_refused_with_json(client, settings, brand) -> None:
    from resonanz.accounts.models import Role
    from resonanz.accounts.tests.factories import member_factory

    client.force_login(member_factory(brand, Role.AGENT))
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = client.post(
        "/api/brands/elbtal-bahn/classify/batch",
        data='{"texts": ["' + "x" * 2000 + '"]}',
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.headers["Content-Type"] == "application/json"
    assert "1000" in response.json()["detail"]
