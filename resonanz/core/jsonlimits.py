"""JSON from outside with a nesting limit: a clear error naming the place instead of a RecursionError.

Python's decoder recurses once per level and gives up with RecursionError near 1,000 levels, which
surfaced as a 500 (signed webhooks) or a traceback (``resonanz import``). Real payloads nest a handful
of levels; the limit says so and the message points at the line and column where it was crossed.
"""

from __future__ import annotations

import json
import re
from typing import Any

DEFAULT_MAX_DEPTH = 64
_TOKENS = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]', re.DOTALL)


class JsonTooDeep(ValueError):
    """The document nests deeper than allowed; the message names where."""


def first_too_deep(text: str, max_depth: int) -> int | None:
    """The offset of the bracket that opens level ``max_depth + 1``, or None (strings are skipped)."""
    depth = 0
    for token in _TOKENS.finditer(text):
        char = token.group()[0]
        if char in "[{":
            depth += 1
            if depth > max_depth:
                return token.start()
        elif char in "]}":
            depth -= 1
    return None


def _where(text: str, offset: int) -> str:
    line = text.count("\n", 0, offset) + 1
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return f"line {line}, column {column}"


def _too_deep(text: str, max_depth: int, offset: int | None) -> JsonTooDeep:
    where = _where(text, offset) + ": " if offset is not None else ""
    return JsonTooDeep(f"{where}JSON nested deeper than {max_depth} levels")


def loads(text: str | bytes, *, max_depth: int = DEFAULT_MAX_DEPTH, prescan: bool = True) -> Any:
    """``json.loads`` that refuses documents nested deeper than ``max_depth`` with JsonTooDeep.

    ``prescan`` checks the depth before decoding (cheap for request bodies). Large files pass
    ``prescan=False``: they are decoded directly and scanned only if the decoder gives up.
    JSONDecodeError and UnicodeDecodeError pass through unchanged.
    """
    if isinstance(text, bytes | bytearray):
        text = text.decode("utf-8")
    if prescan:
        offset = first_too_deep(text, max_depth)
        if offset is not None:
            raise _too_deep(text, max_depth, offset)
    try:
        return json.loads(text)
    except RecursionError:
        raise _too_deep(text, max_depth, first_too_deep(text, max_depth)) from None
