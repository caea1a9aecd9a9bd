"""PDF reports embed the bundled DejaVu Sans, so umlauts, €, dashes and German quotes render anywhere."""

from __future__ import annotations

import re
import zlib

import pytest

from resonanz.insights import pdf as pdf_module
from resonanz.insights.pdf import render_pdf
from resonanz.insights.reports import build_report

pytestmark = pytest.mark.django_db
TITLE = "Ärger über 5 € Aufpreis \u2013 „Zug“"


def _streams(document: bytes) -> list[bytes]:
    """The decompressed content of every Flate stream (fpdf2 compresses them)."""
    found = []
    for raw in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", document, re.S):
        try:
            found.append(zlib.decompress(raw))
        except zlib.error:
            found.append(raw)
    return found


def test_font_and_licence_ship_with_the_package():
    assert (pdf_module.FONT_DIR / "DejaVuSans.ttf").is_file()
    assert (pdf_module.FONT_DIR / "DejaVuSans-Bold.ttf").is_file()
    assert "Bitstream" in (pdf_module.FONT_DIR / "LICENSE.txt").read_text(encoding="utf-8")
    assert pdf_module.FONT_CANDIDATES[0] == pdf_module.FONT_DIR / "DejaVuSans.ttf"


def test_german_text_renders_with_the_embedded_bundled_font(brand, monkeypatch):
    # Only the bundled font: the test must not pass because the machine has fonts-dejavu installed.
    monkeypatch.setattr(pdf_module, "FONT_CANDIDATES", [pdf_module.FONT_DIR / "DejaVuSans.ttf"])
    brand.name = TITLE
    document = render_pdf(build_report(brand, "2026-10"))

    assert document.startswith(b"%PDF")
    assert b"/FontFile2" in document  # the TrueType program itself is in the file
    assert re.search(rb"/BaseFont /[A-Z]{6}\+DejaVuSans", document)
    assert b"/Helvetica" not in document  # no Latin-1 core-font fallback
    unicode_maps = b"".join(s for s in _streams(document) if b"beginbfchar" in s or b"beginbfrange" in s)
    for char in "Äü€\u2013„“":
        assert f"<{ord(char):04X}>".encode() in unicode_maps, char
