"""The one outbound HTTP client (feeds, outgoing webhooks, any future fetch), guarded against SSRF.

URLs come from brand admins, so the server must not become their way into the internal network:

* only ``http``/``https``; the host is resolved and **every** address it resolves to must be public —
  loopback, private, link-local (cloud metadata at 169.254.169.254), shared, multicast, unspecified and
  reserved ranges are refused, also when hidden in IPv4-mapped, 6to4, Teredo or NAT64 IPv6 addresses and
  whatever spelling the host used (``2130706433``, ``0177.0.0.1``, ``[::ffff:7f00:1]``);
* the check runs inside the connection itself (a guarded httpcore network backend), and the socket
  connects to the very address that was checked: DNS rebinding cannot swap it between check and connect,
  and redirects, which are followed by hand and re-checked, pass the same guard;
* timeouts for connecting and reading plus an overall deadline, and a response size cap;
* no proxy from the environment (it would make the proxy the only address checked).

Operators who run feeds or webhook receivers inside their network allow them with
``RESONANZ_OUTBOUND_ALLOW_PRIVATE=1`` or, narrower, ``RESONANZ_OUTBOUND_ALLOWED_NETWORKS=10.1.2.0/24``.
"""

from __future__ import annotations

import ipaddress
import socket
import ssl
import time
import typing
import zlib
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

import certifi
import httpcore
import httpx

from resonanz.core.config import product_setting

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
CONNECT_TIMEOUT = 5.0
DEFAULT_TIMEOUT = 20.0
DEFAULT_MAX_BYTES = 10 * 1024 * 1024
MAX_REDIRECTS = 5
REDIRECT_CODES = {301, 302, 303, 307, 308}
NAT64 = ipaddress.IPv6Network("64:ff9b::/96")


class OutboundError(Exception):
    """The fetch failed (network, timeout, size, redirects); the message says what and where."""


class OutboundRefused(OutboundError):
    """The address is not one this server may contact (the guard); retrying will not help."""


@dataclass
class OutboundResponse:
    status: int
    url: str
    headers: httpx.Headers
    body: bytes = field(repr=False)


def _embedded_ipv4(address: IPAddress) -> list[ipaddress.IPv4Address]:
    """IPv4 addresses an IPv6 address carries (and would reach through a translator)."""
    if not isinstance(address, ipaddress.IPv6Address):
        return []
    found = []
    if address.ipv4_mapped:
        found.append(address.ipv4_mapped)
    if address.sixtofour:
        found.append(address.sixtofour)
    if address.teredo:
        found.extend(address.teredo)
    if address in NAT64:
        found.append(ipaddress.IPv4Address(int(address) & 0xFFFFFFFF))
    return found


def _kind(address: IPAddress) -> str | None:
    """Why ``address`` is not public, or None if it is."""
    checks = (
        ("unspecified", address.is_unspecified),
        ("loopback", address.is_loopback),
        ("link-local", address.is_link_local),
        ("multicast", address.is_multicast),
        ("private", address.is_private),
        ("reserved", address.is_reserved),
        ("not globally routable", not address.is_global),
    )
    return next((name for name, hit in checks if hit), None)


def _allowed(address: IPAddress) -> bool:
    if product_setting("OUTBOUND_ALLOW_PRIVATE"):
        return True
    networks = [
        ipaddress.ip_network(n.strip(), strict=False) for n in product_setting("OUTBOUND_ALLOWED_NETWORKS")
    ]
    return any(address in network for network in networks)


def refusal(address: IPAddress) -> str | None:
    """Why the guard refuses ``address``, or None when it may be contacted."""
    for candidate in [address, *_embedded_ipv4(address)]:
        if _allowed(candidate):
            continue
        kind = _kind(candidate)
        if kind:
            shown = f"{candidate} (inside {address})" if candidate != address else str(address)
            return f"{shown} is a {kind} address"
    return None


def resolve(host: str, port: int) -> list[IPAddress]:
    """Every address ``host`` resolves to (numeric spellings included, as the C library reads them)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise OutboundError(f"cannot resolve {host!r}: {exc}") from exc
    addresses: list[IPAddress] = []
    for _family, _type, _proto, _name, sockaddr in infos:
        address = ipaddress.ip_address(str(sockaddr[0]).split("%", 1)[0])
        if address not in addresses:
            addresses.append(address)
    if not addresses:
        raise OutboundError(f"{host!r} resolves to no address")
    return addresses


def checked_address(host: str, port: int) -> IPAddress:
    """The address to connect to: all addresses of ``host`` must pass the guard (one bad one refuses, so
    a round-robin of a public and a private address cannot slip through)."""
    addresses = resolve(host, port)
    for address in addresses:
        reason = refusal(address)
        if reason:
            raise OutboundRefused(f"refused to contact {host!r}: {reason}")
    return addresses[0]


class GuardedBackend(httpcore.SyncBackend):
    """Resolves and checks the host in the connection itself, then connects to that exact address."""

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: typing.Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.NetworkStream:
        address = checked_address(host.strip("[]"), port)
        return super().connect_tcp(
            str(address), port, timeout=timeout, local_address=local_address, socket_options=socket_options
        )


class GuardedTransport(httpx.HTTPTransport):
    def __init__(self) -> None:
        context = ssl.create_default_context(cafile=certifi.where())
        super().__init__(verify=context, trust_env=False)
        # httpx has no public switch for the network backend; the pool is rebuilt with the guarded one.
        self._pool = httpcore.ConnectionPool(
            ssl_context=context, max_connections=10, network_backend=GuardedBackend()
        )


def check_url(url: str) -> str:
    """``url`` if it is an http(s) URL with a host; OutboundRefused naming the problem otherwise."""
    try:
        httpx.URL(url)  # httpx refuses odd spellings such as 0177.0.0.1 itself; say so as a refusal
    except httpx.InvalidURL as exc:
        raise OutboundRefused(f"refused to contact {url!r}: not a valid URL ({exc})") from exc
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        raise OutboundRefused(f"{url!r}: only http and https URLs can be fetched")
    if not parts.hostname:
        raise OutboundRefused(f"{url!r}: the URL has no host")
    return url


def url_refusal(url: str) -> str | None:
    """Why the guard would refuse ``url`` now, for forms that store a URL to fetch later; None when it
    passes or its name does not resolve yet (the fetch itself checks again, every time)."""
    try:
        check_url(url)
        parts = urlsplit(url)
        checked_address(str(parts.hostname), parts.port or (443 if parts.scheme == "https" else 80))
    except OutboundRefused as exc:
        return str(exc)
    except (OutboundError, ValueError):
        return None
    return None


def request(
    method: str,
    url: str,
    *,
    headers: dict[str, str] | None = None,
    content: bytes | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    max_bytes: int = DEFAULT_MAX_BYTES,
    follow_redirects: bool = True,
) -> OutboundResponse:
    """One guarded request; redirects (if followed) are re-checked hop by hop. Raises OutboundError."""
    deadline = time.monotonic() + timeout
    # Only encodings _decode inflates under the cap (httpx would add br/zstd when installed).
    headers = {"Accept-Encoding": "gzip, deflate", **(headers or {})}
    limits = httpx.Timeout(timeout, connect=min(CONNECT_TIMEOUT, timeout))
    with httpx.Client(transport=GuardedTransport(), timeout=limits, follow_redirects=False) as client:
        for _hop in range(MAX_REDIRECTS + 1):
            check_url(url)
            response = _send(client, method, url, headers, content, max_bytes, deadline)
            location = response.headers.get("Location")
            if not (follow_redirects and response.status in REDIRECT_CODES and location):
                return response
            url = urljoin(url, location)
            if response.status == 303 or (response.status in (301, 302) and method == "POST"):
                method, content = "GET", None  # what browsers do; 307/308 repeat the request as it was
        raise OutboundError(f"more than {MAX_REDIRECTS} redirects, last to {url!r}")


def _send(
    client: httpx.Client,
    method: str,
    url: str,
    headers: dict[str, str] | None,
    content: bytes | None,
    max_bytes: int,
    deadline: float,
) -> OutboundResponse:
    try:
        with client.stream(method, url, headers=headers, content=content) as response:
            declared = response.headers.get("Content-Length", "")
            if declared.isdigit() and int(declared) > max_bytes:
                raise OutboundError(f"{url}: the response is larger than {max_bytes} bytes")
            chunks, size = [], 0
            for chunk in response.iter_raw():
                size += len(chunk)
                if size > max_bytes:
                    raise OutboundError(f"{url}: the response is larger than {max_bytes} bytes")
                if time.monotonic() > deadline:  # a server trickling bytes slower than the read timeout
                    raise OutboundError(f"{url}: the response took longer than the time allowed")
                chunks.append(chunk)
            body = _decode(response, b"".join(chunks), max_bytes, url)
            return OutboundResponse(status=response.status_code, url=url, headers=response.headers, body=body)
    except httpx.TimeoutException as exc:
        raise OutboundError(f"{url}: timed out ({type(exc).__name__})") from exc
    except httpx.HTTPError as exc:
        raise OutboundError(f"{url}: {exc or type(exc).__name__}") from exc


def _decode(response: httpx.Response, raw: bytes, max_bytes: int, url: str) -> bytes:
    """Undo gzip/deflate with the same cap, inflating at most ``max_bytes + 1`` bytes, so that a small
    compressed body cannot expand to gigabytes in memory."""
    encoding = response.headers.get("Content-Encoding", "").strip().lower()
    if not raw or encoding not in ("gzip", "x-gzip", "deflate"):
        return raw
    # 47 = zlib or gzip header, detected; deflate is sometimes sent raw (no header), hence the fallback
    attempts = [47] if encoding != "deflate" else [zlib.MAX_WBITS, -zlib.MAX_WBITS]
    for wbits in attempts:
        try:
            out = zlib.decompressobj(wbits).decompress(raw, max_bytes + 1)
        except zlib.error:
            continue
        if len(out) > max_bytes:
            raise OutboundError(f"{url}: the response is larger than {max_bytes} bytes once decompressed")
        return out
    raise OutboundError(f"{url}: broken {encoding} body")
