"""Who is the client? The address every limiter counts, trusting ``X-Forwarded-For`` only from our proxies.

``RESONANZ_TRUSTED_PROXIES`` says which hops in front of the app may speak for the client:

* empty (the default): nobody; ``REMOTE_ADDR`` is the client and a sent ``X-Forwarded-For`` is ignored;
* a number ``N``: exactly N proxies always stand in front (the last of them sets ``REMOTE_ADDR``); the
  client is the N-th address from the right of ``X-Forwarded-For`` — right for a fixed chain that nobody
  can bypass;
* networks (``10.0.0.0/8, 2001:db8::/32``): walk from ``REMOTE_ADDR`` leftwards through the header while
  the hop is inside those networks; the first address outside them is the client. A request that reaches
  the app directly from outside the networks is never believed about its header.

IPv6 clients are counted per /64: one subscriber usually owns the whole prefix and can change the rest.
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache

from django.http import HttpRequest

from resonanz.core.config import product_setting

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network
UNKNOWN = "unknown"


@lru_cache(maxsize=8)
def parse_trusted(value: str) -> int | tuple[Network, ...]:
    """``""`` → 0, ``"2"`` → 2, ``"10.0.0.0/8, ::1"`` → the networks; a typo raises ValueError naming it."""
    value = value.strip()
    if not value:
        return 0
    if value.isdigit():
        return int(value)
    networks: list[Network] = []
    for item in value.split(","):
        item = item.strip()
        if not item:
            continue
        try:
            networks.append(ipaddress.ip_network(item, strict=False))
        except ValueError as exc:
            raise ValueError(
                f"RESONANZ_TRUSTED_PROXIES: {item!r} is neither a proxy count nor a network"
            ) from exc
    return tuple(networks)


def _address(text: str) -> IPAddress | None:
    text = text.strip()
    if text.startswith("[") and "]" in text:  # "[2001:db8::1]:443"
        text = text[1 : text.index("]")]
    elif text.count(":") == 1:  # "203.0.113.9:5123"
        text = text.split(":", 1)[0]
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        return address.ipv4_mapped
    return address


def client_address(request: HttpRequest) -> IPAddress | None:
    """The client's address as far as the configured proxies vouch for it (None if unreadable)."""
    remote = _address(str(request.META.get("REMOTE_ADDR", "")))
    trusted = parse_trusted(str(product_setting("TRUSTED_PROXIES")))
    if remote is None or not trusted:
        return remote
    hops = [part for part in str(request.META.get("HTTP_X_FORWARDED_FOR", "")).split(",") if part.strip()]
    if isinstance(trusted, int):
        # The last proxy's peer is REMOTE_ADDR; the N proxies appended N-1 addresses plus the client.
        if len(hops) < trusted:
            return remote
        return _address(hops[-trusted]) or remote
    current = remote
    for hop in reversed(hops):
        if not any(current in network for network in trusted):
            return current
        parsed = _address(hop)
        if parsed is None:  # garbage left of our proxies came from the client; the hop we trust saw it
            return current
        current = parsed
    return current


def from_trusted_proxy(request: HttpRequest) -> bool:
    """Did a proxy we trust hand us this request (so its own headers, e.g. ``X-Request-ID``, count)?"""
    trusted = parse_trusted(str(product_setting("TRUSTED_PROXIES")))
    if not trusted:
        return False
    if isinstance(trusted, int):  # a fixed chain of proxies that nobody can bypass
        return True
    remote = _address(str(request.META.get("REMOTE_ADDR", "")))
    return remote is not None and any(remote in network for network in trusted)


def client_ident(request: HttpRequest) -> str:
    """A bucket name for the client: the address, IPv6 cut to its /64."""
    address = client_address(request)
    if address is None:
        return UNKNOWN
    if isinstance(address, ipaddress.IPv6Address):
        return str(ipaddress.IPv6Network((address, 64), strict=False))
    return str(address)
