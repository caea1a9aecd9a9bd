"""RESONANZ_PUBLIC_URL is the one address of every absolute link: no mail, statement, feed or webhook
links to localhost (or to whatever Host header a request carried); production refuses to start without it."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from django.core import mail
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.test import Client

from resonanz.alerts import services as alert_services
from resonanz.alerts.detector import Detection
from resonanz.core.links import check_public_url
from resonanz.inbox.models import WebhookDelivery, WebhookEndpoint
from resonanz.insights.mailing import send_report
from resonanz.moderation import services
from resonanz.moderation.tests.factories import rule

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]
PUBLIC = "https://forum.example.org"
URL = re.compile(r"https?://[^\s\"'<>)]+")


@pytest.fixture(autouse=True)
def _database_limit_store(settings):
    """The embedded mode's store: counters in the database, rolled back with each test."""
    settings.RESONANZ = {**settings.RESONANZ, "LIMIT_STORE": "database"}


@pytest.fixture
def public_url(settings):
    settings.RESONANZ = {**settings.RESONANZ, "PUBLIC_URL": PUBLIC}


def _links(text: str) -> list[str]:
    return URL.findall(text)


def _only_public(links: list[str]) -> None:
    assert links, "expected absolute links"
    wrong = [link for link in links if not link.startswith(PUBLIC + "/")]
    assert wrong == []


def test_no_mail_or_statement_links_to_localhost(
    public_url,
    abusive_post,
    member,
    moderator,
    moderator2,
    manager,
    brand,
    django_capture_on_commit_callbacks,
):
    author = abusive_post.author
    with django_capture_on_commit_callbacks(execute=True):
        decision = services.hide_post(
            abusive_post, by=moderator, rules=[rule(abusive_post.brand)], explanation="Beleidigung anderer."
        )
    assert decision.decision_ground_reference_url.startswith(PUBLIC + "/")
    appeal = services.open_appeal(decision, by=author, text="Das war Ironie, bitte noch einmal ansehen.")
    with django_capture_on_commit_callbacks(execute=True):
        services.decide_appeal(
            appeal, by=moderator2, outcome="reversed", reason="Im Kontext eindeutig Ironie."
        )
    endpoint = WebhookEndpoint.objects.create(brand=brand, url="http://127.0.0.1:9/hook", secret="")
    at = datetime(2026, 10, 20, 12, 5, tzinfo=UTC)
    with django_capture_on_commit_callbacks(execute=True):
        alert_services.open_alert(
            brand,
            detection=Detection(2, 20, 2.0, 1e-9),
            window_start=at,
            window_end=at,
            topics=[],
            examples=[],
        )
    send_report(brand, "2026-10", [manager.email])
    Client().post("/accounts/password-reset/", {"email": author.email}, HTTP_HOST="localhost")

    kinds = [m.subject for m in mail.outbox]
    assert len(mail.outbox) >= 5, kinds
    all_links: list[str] = []
    for message in mail.outbox:
        bodies = [message.body, *(content for content, _type in getattr(message, "alternatives", []))]
        links = [link for body in bodies for link in _links(body) if "w3.org" not in link]
        assert not any("localhost" in link or "testserver" in link for link in links), message.subject
        all_links += links
    _only_public(all_links)
    assert any("/statement" in link or decision.puid in link for link in all_links)
    payload = WebhookDelivery.objects.get(endpoint=endpoint).payload
    assert payload["alert"]["url"].startswith(PUBLIC + "/")


def test_the_log_feed_links_to_the_public_address_whatever_the_host_header(public_url, brand, settings):
    settings.ALLOWED_HOSTS = ["*"]
    feed = Client().get(f"/b/{brand.slug}/moderation/log/feed.atom", HTTP_HOST="internal-proxy:8000")
    assert feed.status_code == 200
    links = re.findall(r'href="([^"]+)"', feed.content.decode())
    _only_public(links)


def test_production_refuses_to_start_without_a_public_url(settings):
    settings.RESONANZ = {**settings.RESONANZ, "PUBLIC_URL": "", "REQUIRE_PUBLIC_URL": True}
    errors = check_public_url()
    assert [e.id for e in errors] == ["resonanz.E001"] and "RESONANZ_PUBLIC_URL" in errors[0].msg
    with pytest.raises(SystemCheckError, match="RESONANZ_PUBLIC_URL is not set"):
        call_command("check")
    settings.RESONANZ = {**settings.RESONANZ, "PUBLIC_URL": "forum.example.org"}
    assert [e.id for e in check_public_url()] == ["resonanz.E002"]
    settings.RESONANZ = {**settings.RESONANZ, "PUBLIC_URL": PUBLIC}
    assert check_public_url() == []


def test_development_without_a_public_url_still_starts(settings):
    settings.RESONANZ = {**settings.RESONANZ, "PUBLIC_URL": "", "REQUIRE_PUBLIC_URL": False}
    assert check_public_url() == []


def test_resonanz_run_stops_with_the_checks_message(settings, capsys, monkeypatch):
    from resonanz import server

    settings.RESONANZ = {**settings.RESONANZ, "PUBLIC_URL": "", "REQUIRE_PUBLIC_URL": True}
    spawned: list[object] = []
    monkeypatch.setattr(server, "_spawn_web", lambda *args: spawned.append(args))
    assert server.serve(host="127.0.0.1", port=8999, workers=1, with_worker=False) == 2
    assert "RESONANZ_PUBLIC_URL is not set" in capsys.readouterr().err and spawned == []
