"""Admins register outgoing webhook endpoints; the signing secret is shown once, then stored encrypted."""

from __future__ import annotations

import secrets

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils.translation import gettext as _

from resonanz.accounts.models import Brand
from resonanz.accounts.permissions import AnyUser
from resonanz.core import outbound
from resonanz.core.errors import InvalidInput
from resonanz.inbox.models import WebhookEndpoint
from resonanz.inbox.permissions import check_admin
from resonanz.inbox.webhooks import EVENTS
from resonanz.sources.crypto import encrypt_credentials


@transaction.atomic
def create_webhook_endpoint(
    brand: Brand, *, url: str, events: list[str] | None = None, by: AnyUser
) -> tuple[WebhookEndpoint, str]:
    """Returns the endpoint and its plain signing secret (the only time it is visible)."""
    check_admin(by, brand)
    try:
        URLValidator(schemes=["http", "https"])(url)
    except ValidationError as exc:
        raise InvalidInput({"url": _("Please enter an http(s) URL.")}) from exc
    refused = outbound.url_refusal(url)
    if refused:
        message = _(
            "This address cannot receive webhooks: %(reason)s. Addresses inside your own network must be "
            "allowed by the operator (RESONANZ_OUTBOUND_ALLOWED_NETWORKS)."
        )
        raise InvalidInput({"url": message % {"reason": refused}})
    unknown = sorted(set(events or []) - set(EVENTS))
    if unknown:
        raise InvalidInput({"events": _("Unknown events: %(names)s") % {"names": ", ".join(unknown)}})
    plain = "whsec_" + secrets.token_urlsafe(32)
    endpoint = WebhookEndpoint.objects.create(
        brand=brand, url=url, events=list(events or []), secret=encrypt_credentials({"secret": plain})
    )
    return endpoint, plain


def delete_webhook_endpoint(endpoint: WebhookEndpoint, *, by: AnyUser) -> None:
    check_admin(by, endpoint.brand)
    endpoint.delete()
