"""Bluesky keeps its session: against a fake XRPC server that enforces a login limit and checks tokens,
100 polls log in once; an expiring access token is refreshed with the refresh token (no login); a
revoked session means one fresh login. Image-only posts are kept with a placeholder."""

from __future__ import annotations

import base64
import json
import time
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from resonanz.inbox.models import Message
from resonanz.inbox.pipeline import process_pending
from resonanz.sources.crypto import decrypt_credentials, encrypt_credentials
from resonanz.sources.models import Channel, ChannelKind
from resonanz.sources.polling import poll_channel

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
pytestmark = pytest.mark.django_db
LOGIN_LIMIT = 3  # far below Bluesky's 30 per 5 minutes: any login per poll trips it at once


def _b64(data: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")


def _jwt(serial: int, *, lifetime: int, scope: str) -> str:
    now = int(time.time())
    payload = {"scope": scope, "sub": "did:plc:brand", "iat": now, "exp": now + lifetime, "jti": str(serial)}
    return f"{_b64({'typ': 'at+jwt', 'alg': 'ES256K'})}.{_b64(payload)}.c2lnbmF0dXJl"


class FakePDS:
    """createSession (limited), refreshSession, listNotifications; tokens are checked like the real PDS."""

    def __init__(self, *, access_lifetime: int = 2 * 3600) -> None:
        self.access_lifetime = access_lifetime
        self.logins = self.refreshes = self.serial = 0
        self.access = self.refresh = ""
        self.notifications: dict = {"notifications": []}

    def _issue(self) -> Response:
        self.serial += 1
        self.access = _jwt(self.serial, lifetime=self.access_lifetime, scope="com.atproto.appPass")
        self.refresh = _jwt(self.serial, lifetime=60 * 86400, scope="com.atproto.refresh")
        body = {"did": "did:plc:brand", "handle": "elbtal.bsky.social", "accessJwt": self.access}
        body |= {"refreshJwt": self.refresh, "active": True}
        return Response(json.dumps(body), content_type="application/json")

    def _error(self, status: int, error: str, message: str) -> Response:
        return Response(
            json.dumps({"error": error, "message": message}), status, content_type="application/json"
        )

    def create_session(self, request: Request) -> Response:
        self.logins += 1
        if self.logins > LOGIN_LIMIT:
            return self._error(429, "RateLimitExceeded", "Rate Limit Exceeded")
        if json.loads(request.data).get("password") != "abcd-efgh":
            return self._error(401, "AuthenticationRequired", "Invalid identifier or password")
        return self._issue()

    def refresh_session(self, request: Request) -> Response:
        if request.headers.get("Authorization") != f"Bearer {self.refresh}":
            return self._error(400, "ExpiredToken", "Token has been revoked")
        self.refreshes += 1
        return self._issue()

    def list_notifications(self, request: Request) -> Response:
        if request.headers.get("Authorization") != f"Bearer {self.access}":
            return self._error(400, "ExpiredToken", "Token has expired")
        return Response(json.dumps(self.notifications), content_type="application/json")


@pytest.fixture
def pds(httpserver: HTTPServer) -> FakePDS:
    server = FakePDS()
    for method, handler in (
        ("com.atproto.server.createSession", server.create_session),
        ("com.atproto.server.refreshSession", server.refresh_session),
        ("app.bsky.notification.listNotifications", server.list_notifications),
    ):
        httpserver.expect_request(f"/xrpc/{method}").respond_with_handler(handler)
    return server


@pytest.fixture
def channel(brand, httpserver: HTTPServer):
    return Channel.objects.create(
        brand=brand,
        kind=ChannelKind.BLUESKY,
        name="Bluesky",
        config={"service_url": httpserver.url_for("/").rstrip("/"), "handle": "elbtal.bsky.social"},
        credentials=encrypt_credentials({"app_password": "abcd-efgh"}),
    )


def test_100_polls_log_in_once_and_the_session_is_stored_encrypted(channel, pds):
    for _ in range(100):
        outcome = poll_channel(channel)
        assert outcome.error == ""
        channel.refresh_from_db()
    assert (pds.logins, pds.refreshes) == (1, 0)
    stored = decrypt_credentials(channel.credentials)
    assert stored["app_password"] == "abcd-efgh" and pds.refresh in stored["session"]
    assert pds.refresh not in channel.credentials  # encrypted, not in plain text


def test_an_expiring_access_token_is_refreshed_not_logged_in_again(channel, pds):
    pds.access_lifetime = 60  # atproto refreshes 15 minutes before expiry: every poll refreshes
    for _ in range(5):
        assert poll_channel(channel).error == ""
        channel.refresh_from_db()
    assert (pds.logins, pds.refreshes) == (1, 5)  # one login; each call with a short-lived token refreshes
    assert pds.refresh in decrypt_credentials(channel.credentials)["session"]


def test_a_revoked_session_means_one_new_login(channel, pds):
    assert poll_channel(channel).error == ""
    pds.access = pds.refresh = "revoked"  # e.g. the app password was revoked and re-created
    channel.refresh_from_db()
    assert poll_channel(channel).error == ""
    assert pds.logins == 2
    channel.refresh_from_db()
    assert poll_channel(channel).error == "" and pds.logins == 2


def test_new_secrets_drop_the_old_session(channel, pds, brand_admin):
    from resonanz.sources.services import update_channel

    poll_channel(channel)
    channel.refresh_from_db()
    assert "session" in decrypt_credentials(channel.credentials)
    update_channel(channel, secrets={"app_password": "abcd-efgh"}, by=brand_admin)
    channel.refresh_from_db()
    assert "session" not in decrypt_credentials(channel.credentials)


def test_image_only_post_is_kept_with_a_placeholder_and_link(channel, pds):
    pds.notifications = json.loads((FIXTURES / "listNotifications_image_only.json").read_text())
    assert poll_channel(channel).new == 1
    process_pending()
    message = Message.objects.get(channel=channel)
    assert message.text == "[Bild] https://bsky.app/profile/foto.bsky.social/post/3lbild"
