"""The report as HTML and PDF, its page and download, the CLI and the periodic mail."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.core import mail
from django.urls import reverse

from resonanz.accounts.models import Brand
from resonanz.cli import main
from resonanz.insights import rollup
from resonanz.insights.mailing import due_period, send_due_reports
from resonanz.insights.models import ReportDelivery
from resonanz.insights.pdf import render_pdf
from resonanz.insights.reports import build_report, render_html
from resonanz.insights.services import save_kpi
from resonanz.insights.tests import factories as f


@pytest.fixture
def data(brand, agent, manager):
    chan = f.channel(brand, "Forum Ü")
    conv = f.conversation(chan, f.at(5, 8))
    f.customer(conv, f.at(5, 8), sentiment="negative", criticism=True, topics=["Pünktlichkeit"])
    f.answer(conv, f.at(5, 8, 30), by=agent)
    rollup.consume_all()
    save_kpi(
        brand, name="Median erste Antwort ≤ 30 min", metric="median_first_response", target=30, by=manager
    )


def test_html_report_has_figures_definitions_and_strategy(brand, data):
    html = render_html(build_report(brand, "2026-10"))
    assert html.startswith("<!DOCTYPE html>") and "Pünktlichkeit" in html
    assert "Median erste Antwort" in html and "30.0" in html
    assert "measurement cycle" in html or "Messzyklus" in html or "Median" in html


def test_pdf_report_is_a_pdf(brand, data):
    pdf = render_pdf(build_report(brand, "2026-10"))
    assert pdf.startswith(b"%PDF") and len(pdf) > 1000


def test_empty_period_renders_too(brand):
    assert render_pdf(build_report(brand, "2026-03")).startswith(b"%PDF")
    assert "2026-03" in render_html(build_report(brand, "2026-03"))


def test_report_page_and_pdf_download(client, brand, agent, member, data):
    client.force_login(agent)
    page = client.get(reverse("insights:report", args=[brand.slug]), {"period": "2026-10"})
    assert page.status_code == 200 and "Pünktlichkeit" in page.content.decode()
    pdf = client.get(reverse("insights:report_pdf", args=[brand.slug]), {"period": "2026-10"})
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    client.force_login(member)
    assert (
        client.get(reverse("insights:report_pdf", args=[brand.slug]), {"period": "2026-10"}).status_code
        == 403
    )


@pytest.mark.django_db(transaction=True)
def test_cli_writes_html_and_pdf(brand, agent, manager, data, tmp_path, capsys):
    out = tmp_path / "r.pdf"
    assert (
        main(["report", "--brand", brand.slug, "--period", "2026-10", "--format", "pdf", "--out", str(out)])
        == 0
    )
    assert out.read_bytes().startswith(b"%PDF")
    html = tmp_path / "r.html"
    assert main(["report", "--brand", brand.slug, "--period", "2026-10", "--out", str(html)]) == 0
    assert "Pünktlichkeit" in html.read_text()
    assert main(["report", "--brand", "nope", "--period", "2026-10"]) == 2
    assert main(["insights-rebuild", "--brand", brand.slug]) == 0


def test_due_periods():
    assert due_period("monthly", datetime(2026, 11, 3).date()) == "2026-10"
    assert due_period("weekly", datetime(2026, 11, 25).date()) == "2026-11-16..2026-11-22"
    assert due_period("off", datetime(2026, 11, 3).date()) is None


def test_monthly_report_is_mailed_once_to_managers(brand, manager, data):
    Brand.objects.filter(pk=brand.pk).update(created_at=datetime(2026, 9, 1, tzinfo=UTC))
    now = datetime(2026, 11, 1, 8, tzinfo=UTC)
    assert send_due_reports(now=now) == 1
    assert send_due_reports(now=now) == 0
    [message] = mail.outbox
    assert message.to == [manager.email] and "2026-10" in message.subject
    assert message.attachments[0][1].startswith(b"%PDF")
    assert ReportDelivery.objects.get(brand=brand).recipients == 1
