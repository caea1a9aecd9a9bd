"""End to end in Debian's chromium: a moderator works the queue, the form refuses a decision without a
rule, the criticism guard asks for a second moderator, and the public log shows the result."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client

from resonanz.community.models import Visibility
from resonanz.moderation import services
from resonanz.moderation.tests.factories import post_with_labels, rules_factory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in_as(page, live_server, user) -> None:
    """Reuse a session made by Django's test client; pages in English via the language cookie."""
    client = Client()
    client.force_login(user)
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    page.context.clear_cookies()
    page.context.add_cookies([
        {"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url},
        {"name": settings.LANGUAGE_COOKIE_NAME, "value": "en", "url": live_server.url},
    ])  # fmt: skip


def test_moderator_flow(live_server, browser_page, brand, member, moderator, manager):
    from resonanz.accounts.models import Role
    from resonanz.accounts.tests.factories import member_factory

    second = member_factory(brand, Role.MODERATOR, username="moritz")
    rules_factory(brand, by=manager)
    abusive = post_with_labels(brand, body="Ihr seid alle Idioten!", abuse=0.7)
    services.report_post(abusive, reason="abuse", note="Beleidigung", by=member)
    critical = post_with_labels(brand, body="Schon wieder 40 Minuten Verspätung.", criticism=True)
    services.report_post(critical, reason="other", note="", by=member)
    page = browser_page
    log_in_as(page, live_server, moderator)

    page.goto(f"{live_server.url}/b/{brand.slug}/")
    page.get_by_role("link", name="Moderation").click()
    page.locator(f"#queue-{abusive.pk} h2 a").click()
    page.get_by_label("Hide").check()
    page.get_by_role("button", name="Decide and log").click()
    assert page.locator(".errorlist").first.inner_text().startswith("Please cite at least one house rule")
    page.get_by_label("Hide").check()
    page.get_by_label("§1 Respektvoller Umgang").check()
    page.get_by_label("Explanation for the author").fill("Beleidigung anderer Mitglieder.")
    page.get_by_role("button", name="Decide and log").click()
    page.wait_for_selector("text=Done: Hide.")
    abusive.refresh_from_db()
    assert abusive.visibility == Visibility.HIDDEN

    page.locator(f"#queue-{critical.pk} h2 a").click()
    page.get_by_label("Remove", exact=True).check()
    page.get_by_label("§1 Respektvoller Umgang").check()
    page.get_by_label("Explanation for the author").fill("Off-Topic im Fahrplan-Thread.")
    page.get_by_role("button", name="Decide and log").click()
    page.wait_for_selector("text=needs a second moderator")
    critical.refresh_from_db()
    assert critical.visibility == Visibility.VISIBLE

    log_in_as(page, live_server, second)
    page.goto(f"{live_server.url}/b/{brand.slug}/moderation/staff/approvals/")
    page.get_by_role("link", name=f"Remove · #{critical.pk}").click()
    page.get_by_role("button", name="Approve").click()
    page.wait_for_selector("text=Approved")
    critical.refresh_from_db()
    assert critical.visibility == Visibility.REMOVED

    page.goto(f"{live_server.url}/b/{brand.slug}/moderation/log/")
    assert page.locator(".log-entry.four-eyes").count() == 1
    assert "Idioten" not in page.content() and "moritz" not in page.locator("main").inner_text()
