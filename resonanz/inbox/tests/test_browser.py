"""End to end in Debian's chromium: an agent assigns a conversation to herself with the keyboard,
answers it, and closes it."""

from __future__ import annotations

import pytest
from django.test import Client

from resonanz.inbox.models import Conversation, Direction, Status
from resonanz.inbox.tests.factories import conversation_factory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _login(page, live_server, user):
    client = Client()
    client.force_login(user)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )


def test_agent_assigns_answers_and_closes(live_server, browser_page, brand, agent):
    conversation_factory(brand, text="Warum ist der RE 50 heute ausgefallen?", labels={"type": "question"})
    page = browser_page
    _login(page, live_server, agent)
    page.goto(f"{live_server.url}/b/{brand.slug}/inbox/")
    page.keyboard.press("j")  # select the first row, Enter opens it
    page.keyboard.press("Enter")
    page.wait_for_selector("[data-conversation]")

    page.keyboard.press("a")  # assign to me
    page.wait_for_selector("[data-testid=assignee]:has-text('alex')")
    page.keyboard.press("r")  # focus the answer
    page.keyboard.type("Ein Signalschaden bei Pirna, wir bitten um Entschuldigung.")
    page.locator("[data-reply-form] button[type=submit]").click()
    page.wait_for_selector("li.message.out")
    assert page.locator("[data-conversation]").get_attribute("data-status") == Status.ANSWERED

    page.keyboard.press("e")  # close
    page.wait_for_selector("[data-conversation][data-status=closed]")
    conversation = Conversation.objects.get()
    assert conversation.status == Status.CLOSED
    assert conversation.assignee == agent
    assert conversation.messages.filter(direction=Direction.OUT).count() == 1


def test_collision_warning_saved_reply_and_live_list(live_server, browser_page, brand, agent, manager):
    from playwright.sync_api import expect

    from resonanz.inbox.models import SavedReply

    conversation = conversation_factory(brand, text="Gilt mein Ticket im Bus?", author_name="Jana")
    SavedReply.objects.create(brand=brand, title="Ticket", body="Hallo {name}, ja, es gilt. Gruß, {agent}")
    url = f"{live_server.url}/b/{brand.slug}/inbox/c/{conversation.pk}/"

    other = browser_page.context.browser.new_context(locale="de-DE").new_page()
    _login(other, live_server, manager)
    other.goto(url)
    other.wait_for_selector("[data-conversation]")

    page = browser_page
    _login(page, live_server, agent)
    page.goto(url)
    expect(page.locator(".collision")).to_contain_text("maren")  # the other agent has it open

    page.locator("[data-saved-reply]").click()  # the saved reply fills the answer, placeholders done
    expect(page.locator("#reply-text")).to_have_value("Hallo Jana, ja, es gilt. Gruß, alex")
    page.locator("#reply-text").press("Control+Enter")
    page.wait_for_selector("li.message.out")
    assert Conversation.objects.get().status == Status.ANSWERED

    page.goto(f"{live_server.url}/b/{brand.slug}/inbox/?status=all")
    page.keyboard.press("j")
    expect(page.locator("[data-row].selected")).to_have_count(1)
    conversation_factory(brand, n=2, text="Neue Frage zum Fahrrad")  # arrives while the list is open
    page.evaluate("document.body.dispatchEvent(new Event('inbox:refresh'))")  # what the 15 s poll does
    expect(page.locator("[data-inbox-list]")).to_contain_text("Neue Frage zum Fahrrad")
    expect(page.locator("[data-row].selected")).to_contain_text("Gilt mein Ticket")  # selection kept
    other.context.close()
