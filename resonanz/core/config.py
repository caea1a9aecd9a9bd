"""Typed access to the product settings in ``settings.RESONANZ``."""

from __future__ import annotations

from typing import Any, cast

from django.conf import settings


def product_setting(key: str) -> Any:
    return cast(dict[str, Any], settings.RESONANZ)[key]
