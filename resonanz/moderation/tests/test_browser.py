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
    abusive = post_with_labels(brand, body="Ihr seid alle Idioten!", abuse=0.7, abuse_confident=True)
    services.report_post(abusive, reason="abuse", note="Beleidigung", by=member)
    critical = post_with_labels(brand, body="Schon wieder 40 Minuten Verspätung.", criticism=True)
    services.report_post(critical, reason="other", note="", by=member)
    page = browser_page
    log_in_as(page, live_server, moderator)

    page.goto(f"{live_server.url}/b/{brand.slug}/")
    page.get_by_role("link", name="Moderation", exact=True).click()
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


def test_report_statement_appeal_and_reversal_in_the_browser(
    live_server, browser_page, brand, member, moderator, manager
):
    from resonanz.accounts.models import Role
    from resonanz.accounts.tests.factories import UserFactory, member_factory
    from resonanz.moderation.models import ModerationDecision

    second = member_factory(brand, Role.MODERATOR, username="moritz")
    author = UserFactory(username="ronny")
    rules_factory(brand, by=manager)
    post = post_with_labels(brand, body="Was bist du für eine Heulsuse, geh woanders jammern.", author=author,
                            abuse=0.6, abuse_confident=True)  # fmt: skip
    page = browser_page
    log_in_as(page, live_server, member)
    page.goto(f"{live_server.url}/b/{brand.slug}/moderation/report/{post.pk}/")
    page.get_by_label("Insult, harassment or hate").check()
    page.get_by_label("Which house rule does it break? (optional)").select_option(
        label="§1 Respektvoller Umgang"
    )
    page.get_by_label("Note for the moderators (optional)").fill("Persönlicher Angriff.")
    page.get_by_role("button", name="Send report").click()
    page.wait_for_selector("text=The moderators will look at the post")

    log_in_as(page, live_server, moderator)
    page.goto(f"{live_server.url}/b/{brand.slug}/moderation/staff/")
    assert "§1 Respektvoller Umgang" in page.locator(f"#queue-{post.pk}").inner_text()
    page.locator(f"#queue-{post.pk} h2 a").click()
    page.get_by_label("Remove", exact=True).check()
    page.get_by_label("§1 Respektvoller Umgang").check()
    page.get_by_label("Explanation for the author").fill("Persönlicher Angriff auf ein Mitglied.")
    page.get_by_role("button", name="Decide and log").click()
    page.wait_for_selector("text=Done: Remove.")
    decision = ModerationDecision.objects.get(post=post)

    log_in_as(page, live_server, author)
    page.goto(f"{live_server.url}/b/{brand.slug}/moderation/decisions/")
    page.get_by_role("link", name="Remove").click()
    assert "Persönlicher Angriff auf ein Mitglied." in page.locator("main").inner_text()
    page.get_by_role("link", name="Appeal this decision").click()
    page.get_by_label("Why should the decision be reconsidered?").fill(
        "Das war überspitzt, aber kein Angriff."
    )
    page.get_by_role("button", name="Send appeal").click()
    page.wait_for_selector("#appeal-status")

    log_in_as(page, live_server, moderator)  # the deciding moderator is refused
    page.goto(f"{live_server.url}/b/{brand.slug}/moderation/staff/appeals/{decision.appeal.pk}/")
    page.get_by_label("Reverse it").check()
    page.get_by_label("Reasons for the author").fill("Ich habe selbst entschieden.")
    page.get_by_role("button", name="Decide and tell the author").click()
    assert "Another moderator must decide this appeal" in page.locator(".errorlist").first.inner_text()

    log_in_as(page, live_server, second)
    page.goto(f"{live_server.url}/b/{brand.slug}/moderation/staff/appeals/")
    page.locator("main li a").first.click()
    page.get_by_label("Reverse it").check()
    page.get_by_label("Reasons for the author").fill("Überspitzt, aber keine Beleidigung nach §1.")
    page.get_by_role("button", name="Decide and tell the author").click()
    page.wait_for_selector("text=The appeal is decided")
    post.refresh_from_db()
    assert post.visibility == Visibility.VISIBLE

    log_in_as(page, live_server, author)
    page.goto(f"{live_server.url}/b/{brand.slug}/moderation/decisions/{decision.puid}/")
    assert page.locator("#appeal-status").inner_text() == "Decision reversed"
    page.goto(f"{live_server.url}/b/{brand.slug}/moderation/log/")
    assert "Überspitzt, aber keine Beleidigung" in page.locator("main").inner_text()
    assert "Heulsuse" not in page.content()
