"""Labels and help texts for the settings and secrets of each connector, for the channel forms."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

FIELD_TEXT: dict[str, tuple[Promise, Promise | str]] = {
    "url": (_("Feed URL"), _("RSS or Atom, http(s).")),
    "instance_url": (_("Instance URL"), _("e.g. https://mastodon.social")),
    "account": (_("Own account"), _("e.g. elbtalbahn — its posts count as the brand's answers.")),
    "hashtag": (_("Hashtag"), _("Without #; leave empty to follow mentions only.")),
    "mentions": (_("Mentions"), _("“yes” (default) or “no”.")),
    "service_url": (_("Service URL"), _("Default: https://bsky.social")),
    "handle": (_("Handle"), _("e.g. elbtalbahn.bsky.social")),
    "search": (_("Search"), _("A search phrase, e.g. “Elbtal Bahn”; leave empty for mentions only.")),
    "imap_host": (_("IMAP server"), ""),
    "imap_port": (_("IMAP port"), _("Default: 993")),
    "imap_user": (_("IMAP user"), ""),
    "mailbox": (_("Mailbox"), _("Default: INBOX")),
    "imap_ssl": (_("IMAP over TLS"), _("“yes” (default) or “no”.")),
    "smtp_host": (_("SMTP server"), ""),
    "smtp_port": (_("SMTP port"), _("Default: 587")),
    "smtp_user": (_("SMTP user"), ""),
    "smtp_starttls": (_("SMTP STARTTLS"), _("“yes” (default) or “no”.")),
    "address": (_("Service address"), _("Answers are sent from it; mails from it count as answers.")),
    "max_bytes": (_("Largest request (bytes)"), _("Default: 262144")),
    "format": (_("File format"), _("csv, facebook or x-archive; empty: detect.")),
    "mapping": (_("CSV columns"), _("e.g. text=Message,author=User,id=Id,created_at=Date")),
    "access_token": (_("Access token"), ""),
    "app_password": (_("App password"), _("Create one in Bluesky's settings; never the account password.")),
    "imap_password": (_("IMAP password"), ""),
    "smtp_password": (_("SMTP password"), ""),
    "signing_secret": (_("Signing secret"), _("The shared secret senders sign requests with.")),
}


def field_text(name: str) -> tuple[str, str]:
    label, help_text = FIELD_TEXT.get(name, (name.replace("_", " "), ""))
    return str(label), str(help_text)
