"""Placeholder text for posts that are only an image or an attachment, so they are kept, not dropped.

Fixed German strings on purpose, not gettext: they become part of the stored message (and of synthetic
ids, which must not change with the language a worker happens to run in); German is the product's
primary language.
"""

from __future__ import annotations

IMAGE = "[Bild]"
VIDEO = "[Video]"


def attachment_text(name: str = "", *, kind: str = "", url: str = "") -> str:
    """``[Bild]``, ``[Video]`` or ``[Anhang: name]``, followed by the link where the file is, if known."""
    main = kind.split("/", 1)[0].lower()
    if main == "image" and not name:
        label = IMAGE
    elif main in ("video", "gifv") and not name:
        label = VIDEO
    else:
        label = f"[Anhang: {name}]" if name else "[Anhang]"
    return f"{label} {url}".strip()
