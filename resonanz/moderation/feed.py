"""The public moderation log as an Atom feed (RFC 4287), written with the standard library."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from resonanz.accounts.models import Brand
from resonanz.core.links import absolute
from resonanz.moderation import logtree
from resonanz.moderation.chain import timestamp
from resonanz.moderation.logtext import entry_summary, entry_title, outcome_name
from resonanz.moderation.models import ModLogEntry

ATOM = "http://www.w3.org/2005/Atom"
# Extension elements (RFC 4287 §6): the log's signed checkpoint travels with the feed, so a reader that
# only follows the feed still collects checkpoints to verify the log against later.
LOG_NS = "urn:resonanz:moderation-log"


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    element = ET.SubElement(parent, f"{{{ATOM}}}{tag}", attrs)
    if text is not None:
        element.text = text
    return element


def log_feed_xml(
    request: HttpRequest, brand: Brand, entries: list[ModLogEntry], *, outcomes: dict[str, str] | None = None
) -> bytes:
    """``outcomes``: decision puid → appeal outcome, shown on the decision's entry."""
    ET.register_namespace("", ATOM)
    ET.register_namespace("log", LOG_NS)
    # Absolute links come from RESONANZ_PUBLIC_URL, not the Host header a client or proxy sends.
    page = absolute(reverse("moderation_public:log", args=[brand.slug]))
    feed = ET.Element(f"{{{ATOM}}}feed")
    _sub(feed, "title", _("Moderation log of %(brand)s") % {"brand": brand.name})
    _sub(feed, "id", f"{page}#feed")
    _sub(feed, "updated", timestamp(entries[0].created_at if entries else timezone.now()))
    _sub(feed, "link", href=page, rel="alternate", type="text/html")
    _sub(feed, "link", href=absolute(request.get_full_path()), rel="self", type="application/atom+xml")
    _sub(_sub(feed, "author"), "name", brand.name)
    latest = logtree.latest_checkpoint(brand)
    if latest is not None:
        url = absolute(reverse("moderation_public:log_checkpoint", args=[brand.slug]))
        _sub(feed, "link", href=url, rel="related", type="text/plain", title="signed checkpoint")
        signed = ET.SubElement(
            feed, f"{{{LOG_NS}}}checkpoint", {"size": str(latest.tree_size), "root": latest.root_hash}
        )
        signed.text = logtree.as_checkpoint(latest).note()
    for entry in entries:
        item = _sub(feed, "entry")
        _sub(item, "title", entry_title(entry))
        _sub(item, "id", f"{page}#entry-{entry.seq}")
        _sub(item, "updated", timestamp(entry.created_at))
        _sub(item, "link", href=f"{page}#entry-{entry.seq}", rel="alternate", type="text/html")
        outcome = (outcomes or {}).get(entry.payload.get("decision") or "")
        if entry.kind == ModLogEntry.Kind.APPEAL:
            outcome = None  # the appeal's own entry says it in its title
        _sub(item, "summary", entry_summary(entry, appeal_outcome=outcome_name(outcome)), type="text")
        _sub(item, "category", term=entry.kind)
        ET.SubElement(item, f"{{{LOG_NS}}}leaf").text = logtree.leaf_of(entry).hex()
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True)
