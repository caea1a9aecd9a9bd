"""End to end in Debian's chromium: sign up, start a thread, see it listed, switch the language."""

from __future__ import annotations

import re

import pytest
from django.core import mail

from resonanz.community.models import Thread
from resonanz.community.tests.factories import category_factory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_visitor_signs_up_writes_a_thread_and_switches_language(live_server, browser_page, brand):
    category_factory(brand, slug="fahrplan", name="Fahrplan")
    page = browser_page
    page.goto(f"{live_server.url}/b/{brand.slug}/")
    assert page.locator("html").get_attribute("lang") == "de"

    page.get_by_role("link", name="Registrieren").first.click()
    page.get_by_label("Benutzername").fill("lena_dd")
    page.get_by_label("E-Mail").fill("lena@example.org")
    page.get_by_label("Passwort").fill("ein-sicheres-passwort")
    page.get_by_role("button", name="Registrieren").click()
    page.wait_for_url(f"{live_server.url}/b/{brand.slug}/")
    # Posting waits for the e-mail address to be confirmed: open the link from the welcome mail.
    [welcome] = [m for m in mail.outbox if m.to == ["lena@example.org"]]
    path = re.search(r"https?://[^/\s]+(/accounts/\S+)", welcome.body).group(1)
    page.goto(f"{live_server.url}{path}")
    page.goto(f"{live_server.url}/b/{brand.slug}/")

    page.get_by_role("link", name="Neues Thema").first.click()
    page.get_by_label("Titel").fill("Fahrrad im Regionalexpress?")
    page.get_by_label("Dein Beitrag").fill("Darf ich mein **Fahrrad** morgens mitnehmen?")
    page.get_by_role("button", name="Thema veröffentlichen").click()
    page.wait_for_selector("text=Fahrrad im Regionalexpress?")
    assert page.locator(".post .body strong").first.inner_text() == "Fahrrad"

    page.goto(f"{live_server.url}/b/{brand.slug}/")
    assert page.get_by_role("link", name="Fahrrad im Regionalexpress?").count() == 1
    assert Thread.objects.get().author.username == "lena_dd"

    page.select_option("#lang-select", "en")  # site.js submits the switcher on change
    page.wait_for_function("document.documentElement.lang === 'en'")
    assert page.get_by_role("link", name="Search").count() >= 1
