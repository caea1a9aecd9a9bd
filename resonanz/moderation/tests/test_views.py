"""Member-facing moderation pages: reporting a post and listing one's own reports."""

from __future__ import annotations

import pytest
from django.urls import reverse

from resonanz.community.tests.factories import thread_factory
from resonanz.moderation.models import Report

pytestmark = pytest.mark.django_db


@pytest.fixture
def post(brand):
    return thread_factory(brand, body="Ihr seid alle Idioten").posts.get()


def report_url(brand, post) -> str:
    return reverse("moderation:report", args=[brand.slug, post.pk])


def test_member_reports_a_post_and_sees_it_in_my_reports(client, brand, post, member):
    client.force_login(member)
    page = client.get(report_url(brand, post))
    assert page.status_code == 200 and "Ihr seid alle Idioten" in page.content.decode()
    response = client.post(report_url(brand, post), {"reason": "abuse", "note": "Beleidigung"})
    assert response.status_code == 302 and response["Location"].endswith(f"#post-{post.pk}")
    report = Report.objects.get()
    assert (report.reporter, report.reason, report.note) == (member, "abuse", "Beleidigung")
    html = client.get(reverse("moderation:my_reports", args=[brand.slug])).content.decode()
    assert post.thread.title in html and "Offen" in html


def test_report_without_reason_shows_error_and_saves_nothing(client, brand, post, member):
    client.force_login(member)
    response = client.post(report_url(brand, post), {"reason": "", "note": ""})
    assert response.status_code == 200 and response.context["form"].errors["reason"]
    assert not Report.objects.exists()


def test_reporting_twice_is_a_form_error(client, brand, post, member):
    client.force_login(member)
    client.post(report_url(brand, post), {"reason": "spam"})
    response = client.post(report_url(brand, post), {"reason": "spam"})
    assert response.status_code == 200 and response.context["form"].non_field_errors()
    assert Report.objects.count() == 1


def test_own_post_cannot_be_reported(client, brand, member):
    own = thread_factory(brand, author=member).posts.get()
    client.force_login(member)
    assert client.post(report_url(brand, own), {"reason": "spam"}).status_code == 403
    assert not Report.objects.exists()


def test_report_pages_need_login(client, brand, post):
    for page in [report_url(brand, post), reverse("moderation:my_reports", args=[brand.slug])]:
        response = client.get(page)
        assert response.status_code == 302 and reverse("accounts:login") in response["Location"]


def test_post_of_another_brand_cannot_be_reported_here(client, brand, other_brand, member):
    foreign = thread_factory(other_brand).posts.get()
    client.force_login(member)
    assert client.get(report_url(brand, foreign)).status_code == 404
    assert client.post(report_url(brand, foreign), {"reason": "spam"}).status_code == 404


def test_my_reports_shows_only_this_brand(client, brand, other_brand, member):
    foreign_post = thread_factory(other_brand, title="Fremdes Thema").posts.get()
    Report.objects.create(brand=other_brand, post=foreign_post, reporter=member, reason="spam")
    client.force_login(member)
    html = client.get(reverse("moderation:my_reports", args=[brand.slug])).content.decode()
    assert "Fremdes Thema" not in html


def test_member_reports_a_blog_comment_with_rule_and_criticism_and_sees_the_outcome(
    client, brand, member, agent, moderator, manager
):
    from resonanz.accounts.tests.factories import UserFactory
    from resonanz.blog.services import comment_on_article, create_article
    from resonanz.moderation import services
    from resonanz.moderation.tests.factories import rules_factory

    version = rules_factory(brand, by=manager)
    article = create_article(brand, title="Neuer Fahrplan", body="Ab Juni öfter.", by=agent, publish=True)
    comment = comment_on_article(article, body="Typisch, wieder zu spät geplant.", by=UserFactory())
    client.force_login(member)
    form = client.get(report_url(brand, comment)).content.decode()
    assert "§3 Privatsphäre" in form and 'name="criticism"' in form
    third = version.rules.get(number=3)
    response = client.post(
        report_url(brand, comment),
        {"reason": "other", "rule": third.pk, "note": "Off-Topic", "criticism": "on"},
    )
    assert response.status_code == 302
    report = Report.objects.get()
    assert (report.post, report.rule, report.criticism) == (comment, third, True)
    services.dismiss_reports(
        comment, by=moderator, rules=[version.rules.get(number=1)], explanation="Kritik ist erlaubt."
    )
    html = client.get(reverse("moderation:my_reports", args=[brand.slug])).content.decode()
    assert "Abgelehnt" in html  # the report's status
    assert "§3 (v1) Privatsphäre" in html and "Meldungen zurückweisen" in html


def test_a_rule_of_another_brand_is_refused_by_the_report_form(client, brand, other_brand, post, member):
    from resonanz.moderation.tests.factories import rules_factory

    foreign = rules_factory(other_brand).rules.first()
    client.force_login(member)
    response = client.post(report_url(brand, post), {"reason": "abuse", "rule": foreign.pk})
    assert response.status_code == 200 and response.context["form"].errors["rule"]
    assert not Report.objects.exists()
