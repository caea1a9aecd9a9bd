"""Public pages: house rules with history, the log (HTML and Atom) without names or abusive text,
the author's statement of reasons and the appeal form."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse

from resonanz.moderation import services
from resonanz.moderation.models import Appeal
from resonanz.moderation.tests.factories import rule, rules_factory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def public_url(name, brand, *args):
    return reverse(f"moderation_public:{name}", args=[brand.slug, *args])


def test_rules_page_shows_current_version_and_history(client, brand, manager, rules):
    rules_factory(brand, by=manager, rules=[("Neue Regel", "Neuer Text.")])
    html = client.get(public_url("rules", brand)).content.decode()
    assert "Neue Regel" in html and "Respektvoller Umgang" not in html and "Version 1" in html
    old = client.get(public_url("rules_version", brand, 1)).content.decode()
    assert "Respektvoller Umgang" in old and "An earlier version" in old
    assert client.get(public_url("rules_version", brand, 9)).status_code == 404


def test_public_log_hides_names_and_abusive_text(client, abusive_post, critical_post, moderator, moderator2):
    moderator.username = "zorro-mod"
    moderator.save()
    services.hide_post(
        abusive_post, by=moderator, rules=[rule(abusive_post.brand)], explanation="Beleidigung."
    )
    decision = services.hide_post(
        critical_post, by=moderator, rules=[rule(critical_post.brand)], explanation="Off-Topic."
    )
    services.approve_decision(decision, by=moderator2)
    html = client.get(public_url("log", abusive_post.brand)).content.decode()
    assert "Idioten" not in html and "Armutszeugnis" not in html
    for name in (
        moderator.username,
        moderator2.username,
        abusive_post.author.username,
        critical_post.author.username,
    ):
        assert name not in html
    assert "by a moderator" in html and "criticism · four eyes" in html
    assert "The moderated text is not republished here." in html


def test_log_shows_the_appeal_outcome(client, abusive_post, moderator, moderator2):
    decision = services.hide_post(
        abusive_post, by=moderator, rules=[rule(abusive_post.brand)], explanation="Beleidigung."
    )
    appeal = services.open_appeal(decision, by=abusive_post.author, text="Bitte noch einmal prüfen.")
    services.decide_appeal(appeal, by=moderator2, outcome="reversed", reason="Doch in Ordnung.")
    html = client.get(public_url("log", abusive_post.brand)).content.decode()
    assert "appeal: reversed" in html and "Appeal: decision reversed" in html


def test_redacted_excerpt_leaves_tombstone(client, abusive_post, moderator, manager, member):
    services.report_post(abusive_post, reason="spam", note="", by=member)
    services.dismiss_reports(
        abusive_post, by=moderator, rules=[rule(abusive_post.brand)], explanation="Keine Werbung."
    )
    entry = abusive_post.brand.modlog.get(kind="decision")
    assert "Idioten" in client.get(public_url("log", abusive_post.brand)).content.decode()
    client.force_login(manager)
    client.post(
        reverse("moderation_staff:redact", args=[abusive_post.brand.slug, entry.seq]),
        {"reason": "Gerichtsbeschluss"},
    )
    html = client.get(public_url("log", abusive_post.brand)).content.decode()
    assert "Idioten" not in html and "Excerpt removed for legal reasons" in html


def test_atom_feed_is_valid_atom(client, abusive_post, moderator):
    services.hide_post(
        abusive_post, by=moderator, rules=[rule(abusive_post.brand)], explanation="Beleidigung."
    )
    response = client.get(public_url("log_feed", abusive_post.brand))
    assert response["Content-Type"].startswith("application/atom+xml")
    ns = {"a": "http://www.w3.org/2005/Atom"}
    feed = ET.fromstring(response.content)  # noqa: S314 (our own output, parsed to check its shape)
    entries = feed.findall("a:entry", ns)
    assert len(entries) == 2  # the rules and the decision
    assert entries[0].find("a:title", ns).text.startswith("Hide · §1 (v1)")
    assert "Idioten" not in response.content.decode()


def test_statement_page_for_the_author_only(client, abusive_post, moderator, member):
    decision = services.hide_post(
        abusive_post, by=moderator, rules=[rule(abusive_post.brand)], explanation="Beleidigung."
    )
    url = public_url("statement", abusive_post.brand, decision.puid)
    assert client.get(url).status_code == 302
    client.force_login(member)
    assert client.get(url).status_code == 404
    client.force_login(abusive_post.author)
    html = client.get(url).content.decode()
    for text in ("Statement of reasons", "Respektvoller Umgang", "Content disabled", "Own initiative",
                 "Not automated", "Appeal this decision", "out-of-court"):  # fmt: skip
        assert text in html
    client.force_login(moderator)
    assert client.get(url).status_code == 200


def test_author_appeals_through_the_form(client, abusive_post, moderator):
    decision = services.hide_post(
        abusive_post, by=moderator, rules=[rule(abusive_post.brand)], explanation="Beleidigung."
    )
    client.force_login(abusive_post.author)
    url = public_url("appeal", abusive_post.brand, decision.puid)
    assert client.post(url, {"text": "kurz"}).status_code == 200
    response = client.post(url, {"text": "Das war ein Zitat aus dem Film, keine Beleidigung."})
    assert response.status_code == 302 and Appeal.objects.get().decision == decision
    assert client.get(url).status_code == 409  # once per decision
    html = client.get(public_url("my_decisions", abusive_post.brand)).content.decode()
    assert decision.puid in html


def test_atom_feed_names_the_appeal_outcome_and_its_reasons(client, abusive_post, moderator, moderator2):
    decision = services.hide_post(
        abusive_post, by=moderator, rules=[rule(abusive_post.brand)], explanation="Beleidigung."
    )
    appeal = services.open_appeal(decision, by=abusive_post.author, text="Bitte noch einmal prüfen.")
    services.decide_appeal(appeal, by=moderator2, outcome="reversed", reason="Es war ein Filmzitat.")
    ns = {"a": "http://www.w3.org/2005/Atom"}
    feed = ET.fromstring(client.get(public_url("log_feed", abusive_post.brand)).content)  # noqa: S314
    appeal_entry, decision_entry = feed.findall("a:entry", ns)[:2]
    assert appeal_entry.find("a:title", ns).text == "Appeal: decision reversed"
    assert "Reason: Es war ein Filmzitat." in appeal_entry.find("a:summary", ns).text
    assert "Appeal outcome: decision reversed." in decision_entry.find("a:summary", ns).text


def test_log_marks_legal_removals_and_withdraws_quotes_of_posts_removed_later(
    client, abusive_post, moderator, member
):
    services.report_post(abusive_post, reason="abuse", note="", by=member)
    services.dismiss_reports(
        abusive_post, by=moderator, rules=[rule(abusive_post.brand)], explanation="Noch in Ordnung."
    )
    assert "Idioten" in client.get(public_url("log", abusive_post.brand)).content.decode()
    services.remove_post(abusive_post, by=moderator, rules=[rule(abusive_post.brand)],
                         explanation="Doch eine Beleidigung.", legal_ground="§ 185 StGB")  # fmt: skip
    html = client.get(public_url("log", abusive_post.brand)).content.decode()
    assert "Idioten" not in html
    assert "the post was hidden or removed later" in html
    assert "illegal content (§ 185 StGB)" in html and "Removed for legal reasons" in html
