"""The report as PDF with fpdf2 (pure Python, no browser): tables of the same figures as the HTML."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from fpdf import FPDF

from resonanz.insights.reports import format_value

# fpdf2 subsets the font with fontTools, which logs every glyph at INFO: noise in the CLI and the worker.
logging.getLogger("fontTools").setLevel(logging.WARNING)
# A Unicode TrueType font (umlauts, €, German quotes, dashes, ≥) shipped with the package, so reports
# look the same on every machine (fonts/LICENSE.txt: the Bitstream Vera licence allows bundling). The
# system copy and the Latin-1 core font are only fallbacks for an installation without package data.
FONT_DIR = Path(__file__).resolve().parent / "fonts"
FONT_CANDIDATES = [FONT_DIR / "DejaVuSans.ttf", Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")]


class _Pdf(FPDF):
    unicode_font = False

    def setup(self) -> None:
        font = next((p for p in FONT_CANDIDATES if p.exists()), None)
        if font is not None:
            self.add_font("Body", "", str(font))
            bold = font.with_name("DejaVuSans-Bold.ttf")
            self.add_font("Body", "B", str(bold if bold.exists() else font))
            self.unicode_font = True
        self.set_auto_page_break(auto=True, margin=15)
        self.add_page()

    def text_of(self, value: object) -> str:
        text = str(value)
        return text if self.unicode_font else text.encode("latin-1", "replace").decode("latin-1")

    def use(self, size: float, *, bold: bool = False) -> None:
        self.set_font("Body" if self.unicode_font else "Helvetica", "B" if bold else "", size)

    def heading(self, text: str) -> None:
        self.ln(3)
        self.use(13, bold=True)
        self.cell(0, 8, self.text_of(text), new_x="LMARGIN", new_y="NEXT")

    def data_table(self, headers: list[str], rows: list[list[Any]]) -> None:
        self.use(9)
        with super().table(first_row_as_headings=True, line_height=5.5) as table:
            table.row([self.text_of(h) for h in headers])
            for row in rows:
                table.row([self.text_of("—" if v is None else v) for v in row])


def render_pdf(report: dict[str, Any]) -> bytes:
    pdf = _Pdf(format="A4")
    pdf.set_title(f"{report['brand'].name} {report['period'].label}")
    pdf.setup()
    pdf.use(17, bold=True)
    pdf.multi_cell(
        0,
        9,
        pdf.text_of(
            _("Report %(brand)s, %(period)s")
            % {"brand": report["brand"].name, "period": report["period"].label}
        ),
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.use(9)
    pdf.cell(
        0,
        6,
        pdf.text_of(
            _("Generated %(when)s") % {"when": date_format(report["generated_at"], "DATETIME_FORMAT")}
        ),
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.heading(_("Key figures"))
    pdf.data_table(
        [_("Figure"), _("Value"), _("Period before")],
        [
            [str(k.label), format_value(k), format_value({"value": k.previous, "unit": k.unit})]
            for k in report["kpis"]
        ],
    )
    if report["strategy"]:
        pdf.heading(_("Strategy KPIs"))
        pdf.data_table(
            [_("KPI"), _("Value"), _("Target"), _("On track")],
            [
                [
                    s["name"],
                    format_value(s),
                    format_value({"value": s["target"], "unit": s["unit"]}),
                    {True: _("yes"), False: _("no"), None: "—"}[s["on_track"]],
                ]
                for s in report["strategy"]
            ],
        )
    pdf.heading(_("Volume"))
    pdf.data_table([_("Figure"), _("Count")], [[k, v] for k, v in report["volume"]])
    pdf.heading(_("Time to first response"))
    pdf.data_table(
        [_("Answered within"), _("Measurement cycles")], [[k, v] for k, v in report["response_times"]]
    )
    if report["topics"]:
        pdf.heading(_("Top topics"))
        pdf.data_table(
            [_("Topic"), _("Total"), _("negative"), _("neutral"), _("positive")],
            [[t["topic"], t["total"], t["negative"], t["neutral"], t["positive"]] for t in report["topics"]],
        )
    pdf.heading(_("Channels"))
    pdf.data_table(report["channels"]["headers"], report["channels"]["rows"])
    pdf.heading(_("Participants and moderation"))
    people, moderation = report["participants"], report["moderation"]
    pdf.data_table(
        [_("Figure"), _("Value")],
        [
            [_("active participants"), people["active"]],
            [_("new"), people["new"]],
            [_("returning"), people["returning"]],
            [_("moderation decisions"), moderation["decisions"]],
            [_("appeals"), moderation["appeals"]],
            [_("reversed on appeal"), moderation["reversed"]],
            [_("freeze overrides"), moderation["freeze_overrides"]],
        ],
    )
    pdf.heading(_("Crisis alerts"))
    if report["alerts"]:
        pdf.data_table(
            [_("Opened"), _("Negative posts (expected)"), _("Driving topics"), _("Status")],
            [
                [
                    date_format(timezone.localtime(a["opened_at"]), "SHORT_DATETIME_FORMAT"),
                    f"{a['observed']} ({a['expected']:.2f})",
                    a["topics"] or "—",
                    a["status"],
                ]
                for a in report["alerts"]
            ],
        )
    else:
        pdf.use(9)
        pdf.cell(0, 6, pdf.text_of(_("No crisis alert in this period.")), new_x="LMARGIN", new_y="NEXT")
    pdf.heading(_("Definitions"))
    pdf.use(8)
    for figure in report["kpis"]:
        pdf.multi_cell(
            0, 4.5, pdf.text_of(f"{figure.label}: {figure.definition}"), new_x="LMARGIN", new_y="NEXT"
        )
    return bytes(pdf.output())
