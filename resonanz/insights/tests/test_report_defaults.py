"""The report page and its PDF without ``?period`` show the current month instead of failing."""

from __future__ import annotations

from django.urls import reverse


def test_report_page_without_period_shows_current_month(client, brand, agent):
    client.force_login(agent)
    page = client.get(reverse("insights:report", args=[brand.slug]))
    assert page.status_code == 200
    pdf = client.get(reverse("insights:report_pdf", args=[brand.slug]))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_report_page_with_a_bad_period_names_it_escaped(client, brand, agent):
    client.force_login(agent)
    page = client.get(reverse("insights:report", args=[brand.slug]), {"period": "<b>nope"})
    assert page.status_code == 422
    assert "&lt;b&gt;nope" in page.content.decode() and "<b>nope" not in page.content.decode()
