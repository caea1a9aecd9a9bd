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
