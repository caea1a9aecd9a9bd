"""The outbound guard: 20+ ways to reach an internal address are refused and no connection is made."""

from __future__ import annotations

import gzip
import ipaddress
import socket

import httpcore
import pytest
from pytest_httpserver import HTTPServer

from resonanz.core import outbound
from resonanz.core.outbound import OutboundError, OutboundRefused

REAL_GETADDRINFO = socket.getaddrinfo
FAKE_DNS = {
    "intranet.example.test": ["127.0.0.1"],
    "metadata.example.test": ["169.254.169.254"],
    "v6-loopback.example.test": ["::1"],
    # A public address next to a private one: one bad answer refuses the whole name.
    "roundrobin.example.test": ["93.184.216.34", "10.1.2.3"],
}


def _fake_getaddrinfo(host, port, *args, **kwargs):
    if isinstance(host, bytes):
        host = host.decode()
    if host in FAKE_DNS:
        return [
            (
                socket.AF_INET6 if ":" in ip else socket.AF_INET,
                socket.SOCK_STREAM,
                6,
                "",
                (ip, port, 0, 0) if ":" in ip else (ip, port),
            )
            for ip in FAKE_DNS[host]
        ]
    return REAL_GETADDRINFO(host, port, *args, **kwargs)


@pytest.fixture
def strict(settings):
    """Production defaults: nothing private allowed (the test settings allow loopback for fake servers)."""
    settings.RESONANZ = {
        **settings.RESONANZ,
        "OUTBOUND_ALLOW_PRIVATE": False,
        "OUTBOUND_ALLOWED_NETWORKS": [],
    }


@pytest.fixture
def connections(monkeypatch):
    """Every address a socket was actually opened to, seen below the guard."""
    opened: list[str] = []
    real = httpcore.SyncBackend.connect_tcp

    def record(self, host, port, *args, **kwargs):
        opened.append(host)
        return real(self, host, port, *args, **kwargs)

    monkeypatch.setattr(httpcore.SyncBackend, "connect_tcp", record)
    monkeypatch.setattr(socket, "getaddrinfo", _fake_getaddrinfo)
    return opened


def _tricks(port: int) -> list[str]:
    return [
        f"http://127.0.0.1:{port}/",
        f"http://localhost:{port}/",
        f"http://[::1]:{port}/",
        f"http://[::ffff:127.0.0.1]:{port}/",
        f"http://[::ffff:7f00:1]:{port}/",
        f"http://2130706433:{port}/",  # decimal
        f"http://0177.0.0.1:{port}/",  # octal
        f"http://0x7f.0.0.1:{port}/",  # hexadecimal
        f"http://127.1:{port}/",  # short form
        f"http://0.0.0.0:{port}/",
        f"http://0:{port}/",
        "http://169.254.169.254/latest/meta-data/",
        f"http://[fe80::1]:{port}/",
        "http://10.0.0.1/",
        "http://192.168.178.1/",
        "http://172.16.0.1/",
        "http://100.64.0.1/",  # shared address space (carrier-grade NAT)
        "http://224.0.0.1/",  # multicast
        "http://240.0.0.1/",  # reserved
        f"http://[2002:7f00:1::]:{port}/",  # 6to4 wrapping 127.0.0.1
        f"http://[64:ff9b::7f00:1]:{port}/",  # NAT64 wrapping 127.0.0.1
        f"http://intranet.example.test:{port}/",
        "http://metadata.example.test/latest/meta-data/",
        f"http://v6-loopback.example.test:{port}/",
        "http://roundrobin.example.test/",
    ]


def test_twenty_five_tricks_are_refused_and_nothing_is_contacted(strict, connections, httpserver: HTTPServer):
    httpserver.expect_request("/").respond_with_data("internal secret")
    tricks = _tricks(httpserver.port)
    for url in tricks:
        with pytest.raises(OutboundRefused) as refused:
            outbound.request("GET", url, timeout=3)
        assert "refused to contact" in str(refused.value)
    assert connections == []
    assert httpserver.log == []


def test_redirects_to_private_addresses_are_refused(settings, connections):
    # The "public" server stands on 127.0.0.2 (allowed here); it redirects into 127.0.0.1 (not allowed).
    settings.RESONANZ = {
        **settings.RESONANZ,
        "OUTBOUND_ALLOW_PRIVATE": False,
        "OUTBOUND_ALLOWED_NETWORKS": ["127.0.0.2/32"],
    }
    public = HTTPServer(host="127.0.0.2", port=0)
    internal = HTTPServer(host="127.0.0.1", port=0)
    public.start()
    internal.start()
    try:
        internal.expect_request("/admin").respond_with_data("internal secret")
        public.expect_request("/to-ip").respond_with_data(
            "", status=302, headers={"Location": internal.url_for("/admin")}
        )
        public.expect_request("/to-name").respond_with_data(
            "", status=307, headers={"Location": f"http://intranet.example.test:{internal.port}/admin"}
        )
        public.expect_request("/to-file").respond_with_data(
            "", status=301, headers={"Location": "file:///etc/passwd"}
        )
        for path in ("/to-ip", "/to-name", "/to-file"):
            with pytest.raises(OutboundRefused):
                outbound.request("GET", public.url_for(path), timeout=3)
        assert internal.log == []
        assert set(connections) == {"127.0.0.2"}
    finally:
        public.clear()
        internal.clear()
        public.stop()
        internal.stop()


def test_the_checked_address_is_the_connected_one_so_dns_rebinding_fails(settings, monkeypatch, connections):
    """The name resolves to an allowed address once, then (rebinding) to 127.0.0.1: the guard resolves once
    per connection and connects to exactly what it checked."""
    settings.RESONANZ = {
        **settings.RESONANZ,
        "OUTBOUND_ALLOW_PRIVATE": False,
        "OUTBOUND_ALLOWED_NETWORKS": ["127.0.0.2/32"],
    }
    answers = iter(["127.0.0.2", "127.0.0.1", "127.0.0.1"])
    lookups: list[str] = []

    def rebinding(host, port, *args, **kwargs):
        if host == "rebind.example.test":
            ip = next(answers)
            lookups.append(ip)
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (ip, port))]
        return REAL_GETADDRINFO(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", rebinding)
    server = HTTPServer(host="127.0.0.2", port=0)
    server.start()
    try:
        server.expect_request("/feed").respond_with_data("public feed")
        response = outbound.request("GET", f"http://rebind.example.test:{server.port}/feed", timeout=3)
        assert response.body == b"public feed"
        assert lookups == ["127.0.0.2"] and connections == ["127.0.0.2"]
        # The next connection sees the rebound answer and is refused.
        with pytest.raises(OutboundRefused):
            outbound.request("GET", f"http://rebind.example.test:{server.port}/feed", timeout=3)
        assert connections == ["127.0.0.2"]
    finally:
        server.clear()
        server.stop()


@pytest.mark.parametrize(
    "url", ["file:///etc/passwd", "gopher://example.org/", "ftp://example.org/x", "http:///x"]
)
def test_only_http_urls_with_a_host(url):
    with pytest.raises(OutboundRefused):
        outbound.request("GET", url)


def test_the_operator_can_allow_private_addresses(settings, httpserver: HTTPServer):
    settings.RESONANZ = {**settings.RESONANZ, "OUTBOUND_ALLOW_PRIVATE": True, "OUTBOUND_ALLOWED_NETWORKS": []}
    httpserver.expect_request("/").respond_with_data("ok")
    assert outbound.request("GET", httpserver.url_for("/")).body == b"ok"


def test_public_addresses_pass_the_guard():
    for text in ("93.184.216.34", "2606:2800:220:1:248:1893:25c8:1946", "1.1.1.1"):
        assert outbound.refusal(ipaddress.ip_address(text)) is None


def test_size_cap_and_compression_bomb(httpserver: HTTPServer):
    httpserver.expect_request("/big").respond_with_data(b"x" * 5000)
    with pytest.raises(OutboundError, match="larger than 1000 bytes"):
        outbound.request("GET", httpserver.url_for("/big"), max_bytes=1000)
    bomb = gzip.compress(b"\0" * 5_000_000)  # about 5 KB that inflate to 5 MB
    httpserver.expect_request("/bomb").respond_with_data(bomb, headers={"Content-Encoding": "gzip"})
    with pytest.raises(OutboundError, match="once decompressed"):
        outbound.request("GET", httpserver.url_for("/bomb"), max_bytes=100_000)
    small = gzip.compress("Grüße".encode())
    httpserver.expect_request("/small").respond_with_data(small, headers={"Content-Encoding": "gzip"})
    assert outbound.request("GET", httpserver.url_for("/small")).body.decode() == "Grüße"


def test_redirect_loops_end(httpserver: HTTPServer):
    httpserver.expect_request("/loop").respond_with_data("", status=302, headers={"Location": "/loop"})
    with pytest.raises(OutboundError, match="redirects"):
        outbound.request("GET", httpserver.url_for("/loop"))


def test_webhook_delivery_to_a_private_address_fails_at_once(
    strict, connections, brand, brand_admin, django_capture_on_commit_callbacks
):
    from resonanz.core.errors import InvalidInput
    from resonanz.inbox.models import DeliveryStatus, WebhookDelivery, WebhookEndpoint
    from resonanz.inbox.services import create_webhook_endpoint
    from resonanz.inbox.webhooks import deliver_webhook

    with pytest.raises(InvalidInput, match="link-local"):  # refused when it is entered
        create_webhook_endpoint(brand, url="http://169.254.169.254/hook", by=brand_admin)
    # An endpoint whose name resolves to an internal address only later is refused at delivery.
    endpoint = WebhookEndpoint.objects.create(brand=brand, url="http://169.254.169.254/hook", secret="")
    row = WebhookDelivery.objects.create(endpoint=endpoint, event="conversation.created", payload={})
    delivered = deliver_webhook(row.pk)
    assert delivered is not None and delivered.status == DeliveryStatus.FAILED
    assert "link-local" in delivered.last_error and connections == []
