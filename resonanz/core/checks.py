"""System checks for the network settings: a typo stops the start with its name, not the first request."""

from __future__ import annotations

import ipaddress

from django.core.checks import CheckMessage, Error, register

from resonanz.core.clientip import parse_trusted
from resonanz.core.config import product_setting


@register()
def check_network_settings(app_configs: object = None, **kwargs: object) -> list[CheckMessage]:
    errors: list[CheckMessage] = []
    try:
        parse_trusted(str(product_setting("TRUSTED_PROXIES")))
    except ValueError as exc:
        errors.append(
            Error(str(exc), hint="a number of proxies (1) or networks (10.0.0.0/8)", id="resonanz.E003")
        )
    for item in product_setting("OUTBOUND_ALLOWED_NETWORKS"):
        try:
            ipaddress.ip_network(str(item).strip(), strict=False)
        except ValueError:
            errors.append(
                Error(f"RESONANZ_OUTBOUND_ALLOWED_NETWORKS: {item!r} is not a network", id="resonanz.E004")
            )
    return errors
