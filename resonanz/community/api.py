"""Community endpoints of the REST API (placeholder until the API lands)."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["community"])
