"""Admin tools: connecting channels (page and Django admin), polling now, uploading an export, and the
checks that name the wrong setting."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from pytest_httpserver import HTTPServer

from resonanz.accounts.tests.factories import UserFactory
from resonanz.core.errors import InvalidInput
from resonanz.inbox.models import InboundItem, Message
from resonanz.sources.models import Channel, ChannelKind
from resonanz.sources.services import channel_secrets, create_channel

FIXTURES = Path(__file__).resolve().parents[2] / "sources"
pytestmark = pytest.mark.django_db


def _url(name, brand, *args):
    return reverse(f"inbox:{name}", args=[brand.slug, *args])


@pytest.mark.parametrize(
    ("kind", "config", "secrets", "named"),
    [
        ("rss", {"url": "ftp://feeds.example/x"}, {}, "url"),
        ("mastodon", {"instance_url": "https://m.example"}, {}, "access_token"),
        ("email", {"imap_host": "i", "imap_user": "u", "smtp_host": "s", "address": "kein"}, {}, "address"),
        ("email", {"imap_port": "99999"}, {}, "imap_port"),
        ("webhook", {"max_bytes": "lots"}, {"signing_secret": "s"}, "max_bytes"),
        ("import", {"mapping": "text"}, {}, "--map"),
    ],
)
def test_bad_channel_settings_are_refused_naming_the_field(brand, brand_admin, kind, config, secrets, named):
    with pytest.raises(InvalidInput) as error:
        create_channel(brand, kind=kind, name="X", config=config, secrets=secrets, by=brand_admin)
    assert named in error.value.message
    assert not Channel.objects.exists()


def test_a_switched_off_channel_may_be_a_draft(brand, brand_admin):
    channel = create_channel(
        brand, kind="mastodon", name="Entwurf", config={"instance_url": "https://m.example"}, enabled=False,
        by=brand_admin,
    )  # fmt: skip
    assert channel.enabled is False


def test_admin_connects_a_channel_on_the_page_and_polls_it(
    client, brand, brand_admin, httpserver: HTTPServer
):
    feed = (FIXTURES / "rss" / "fixtures" / "feed.xml").read_bytes()
    httpserver.expect_request("/feed.xml").respond_with_data(feed, content_type="application/atom+xml")
    client.force_login(brand_admin)
    form = client.get(_url("channel_new", brand) + "?kind=rss")
    assert b"Feed URL" in form.content or b"Feed-URL" in form.content
    response = client.post(
        _url("channel_new", brand) + "?kind=rss",
        {
            "kind": "rss",
            "name": "Bewertungen",
            "enabled": "on",
            "config_url": httpserver.url_for("/feed.xml"),
        },
    )
    assert response.status_code == 302
    channel = Channel.objects.get(name="Bewertungen")
    polled = client.post(_url("channel_poll", brand, channel.pk), follow=True)
    assert b"2 new" in polled.content
    assert InboundItem.objects.filter(channel=channel).count() == 2
    channel.refresh_from_db()
    assert channel.last_polled_at is not None and channel.next_poll_at is not None


def test_channel_page_errors_name_the_setting(client, brand, brand_admin):
    client.force_login(brand_admin)
    response = client.post(
        _url("channel_new", brand) + "?kind=rss", {"kind": "rss", "name": "Feed", "config_url": "nur text"}
    )
    assert response.status_code == 200
    assert b"url" in response.content and not Channel.objects.exists()


def test_webhook_channel_page_shows_the_endpoint_but_never_the_secret(client, brand, brand_admin):
    channel = create_channel(
        brand, kind="webhook", name="Shop", secrets={"signing_secret": "geheim-42"}, by=brand_admin
    )
    client.force_login(brand_admin)
    page = client.get(_url("channel_edit", brand, channel.pk))
    assert f"/hooks/{channel.uuid}/".encode() in page.content
    assert b"geheim-42" not in page.content


def test_upload_an_export_dry_run_then_import(client, brand, brand_admin, django_capture_on_commit_callbacks):
    mapping = "id=Id,text=Message,author=User,thread=Thread"
    channel = create_channel(brand, kind="import", name="Export", config={"mapping": mapping}, by=brand_admin)
    data = (FIXTURES / "imports" / "fixtures" / "generic.csv").read_bytes()
    client.force_login(brand_admin)
    dry = client.post(
        _url("channel_import", brand, channel.pk),
        {"file": SimpleUploadedFile("generic.csv", data), "dry_run": "on", "encoding": "utf-8"},
    )
    assert dry.status_code == 200 and b'data-testid="import-summary"' in dry.content
    assert b"generic.csv: line 4" in dry.content
    assert not InboundItem.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(
            _url("channel_import", brand, channel.pk),
            {"file": SimpleUploadedFile("generic.csv", data), "encoding": "utf-8"},
        )
    assert done.status_code == 200
    assert Message.objects.filter(channel=channel).count() == 4  # the worker task ran on commit


def test_upload_of_a_broken_file_names_file_and_line(client, brand, brand_admin):
    channel = create_channel(brand, kind="import", name="Export", by=brand_admin)
    broken = (FIXTURES / "imports" / "fixtures" / "broken.json").read_bytes()
    client.force_login(brand_admin)
    response = client.post(
        _url("channel_import", brand, channel.pk), {"file": SimpleUploadedFile("broken.json", broken)}
    )
    assert b"broken.json: line 1, column 46" in response.content
    assert not InboundItem.objects.exists()


def test_only_admins_import_and_poll(client, brand, manager):
    channel = Channel.objects.create(brand=brand, kind=ChannelKind.IMPORT, name="Export")
    client.force_login(manager)
    assert client.get(_url("channel_import", brand, channel.pk)).status_code == 403
    assert client.post(_url("channel_poll", brand, channel.pk)).status_code == 403


def test_django_admin_saves_channels_through_the_services(client, brand):
    superuser = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(superuser)
    base = "/admin/sources/channel/"
    assert client.get(base).status_code == 200
    bad = client.post(
        base + "add/",
        {
            "brand": brand.pk,
            "kind": "mastodon",
            "name": "M",
            "config": '{"instance_url": "nope"}',
            "enabled": "on",
        },
    )
    assert bad.status_code == 200 and b"instance_url" in bad.content
    good = client.post(
        base + "add/",
        {
            "brand": brand.pk, "kind": "mastodon", "name": "M", "enabled": "on",
            "config": '{"instance_url": "https://m.example"}', "secrets": '{"access_token": "tok-9"}',
        },
    )  # fmt: skip
    assert good.status_code == 302, good.content.decode()[:2000]
    channel = Channel.objects.get(name="M")
    assert channel_secrets(channel) == {"access_token": "tok-9"}
    change = client.get(f"{base}{channel.pk}/change/")
    assert b"tok-9" not in change.content
    assert client.get("/admin/inbox/inbounditem/").status_code == 200
    assert client.get("/admin/inbox/conversation/").status_code == 200
