"""E-mail verification at sign-up: a signed link, valid for 24 hours, confirms the address."""

from __future__ import annotations

from django.core import signing
from django.core.mail import send_mail
from django.urls import reverse
from django.utils.translation import gettext as _

from resonanz.accounts.models import User
from resonanz.core.errors import InvalidInput
from resonanz.core.links import absolute

SALT = "resonanz.accounts.verify-email"
MAX_AGE = 24 * 60 * 60


def make_token(user: User) -> str:
    # The address is signed too: a link for an old address does not confirm a changed one.
    return signing.dumps({"user": user.pk, "email": user.email}, salt=SALT)


def send_verification(user: User) -> None:
    link = absolute(reverse("accounts:verify_email", args=[make_token(user)]))
    body = _(
        "Hello %(name)s,\n\nplease confirm your e-mail address by opening this link within 24 hours:\n"
        "%(link)s\n\nUntil then you can read, but not post."
    ) % {"name": user.username, "link": link}
    send_mail(_("Please confirm your e-mail address"), body, None, [user.email])


def confirm(token: str) -> User:
    try:
        data = signing.loads(token, salt=SALT, max_age=MAX_AGE)
    except signing.SignatureExpired as exc:
        raise InvalidInput(
            {"token": _("This link has expired. Ask for a new one in your account settings.")}
        ) from exc
    except signing.BadSignature as exc:
        raise InvalidInput({"token": _("This link is not valid.")}) from exc
    user = User.objects.filter(pk=data.get("user"), email=data.get("email")).first()
    if user is None:
        raise InvalidInput({"token": _("This link is not valid.")})
    if not user.email_verified:
        user.email_verified = True
        user.save(update_fields=["email_verified"])
    return user
