"""Blog pages: reading, commenting, the team's drafting and publishing, and who may do what."""

from __future__ import annotations

import pytest
from django.urls import reverse

from resonanz.blog.models import Article
from resonanz.blog.services import create_article
from resonanz.community.models import Post

pytestmark = pytest.mark.django_db


def url(name: str, brand, *args: object) -> str:
    return reverse(f"blog:{name}", args=[brand.slug, *args])


@pytest.fixture
def published(brand, agent) -> Article:
    return create_article(
        brand, title="Neuer Fahrplan", body="Ab **Juni** fahren wir öfter.", by=agent, publish=True
    )


@pytest.fixture
def draft(brand, agent) -> Article:
    return create_article(brand, title="Geheimer Entwurf", body="Noch nicht fertig.", by=agent)


@pytest.mark.parametrize("who", [None, "member", "agent"])
def test_index_and_article_render_for_each_role(client, request, brand, published, who):
    if who:
        client.force_login(request.getfixturevalue(who))
    assert client.get(url("index", brand)).status_code == 200
    response = client.get(url("article", brand, published.slug))
    assert response.status_code == 200
    assert "<strong>Juni</strong>" in response.content.decode()


def test_drafts_are_visible_to_the_team_only_and_marked(client, brand, published, draft, member, agent):
    assert "Geheimer Entwurf" not in client.get(url("index", brand)).content.decode()
    assert client.get(url("article", brand, draft.slug)).status_code == 404
    client.force_login(member)
    assert client.get(url("article", brand, draft.slug)).status_code == 404
    client.force_login(agent)
    html = client.get(url("index", brand)).content.decode()
    assert "Geheimer Entwurf" in html and 'class="badge warn"' in html
    assert client.get(url("article", brand, draft.slug)).status_code == 200


def test_team_nav_link_only_for_team(client, brand, published, member, agent):
    new_url = url("new", brand)
    client.force_login(member)
    assert new_url not in client.get(url("index", brand)).content.decode()
    client.force_login(agent)
    assert new_url in client.get(url("article", brand, published.slug)).content.decode()


def test_member_comments_on_published_article(client, brand, published, member):
    client.force_login(member)
    response = client.post(url("comment", brand, published.slug), {"body": "Endlich!"})
    comment = Post.objects.get(body="Endlich!")
    assert comment.thread_id == published.discussion_id
    assert response["Location"] == url("article", brand, published.slug) + f"#post-{comment.pk}"
    html = client.get(url("article", brand, published.slug)).content.decode()
    assert "Endlich!" in html and f'id="reactions-{comment.pk}"' in html


def test_empty_comment_shows_error_and_saves_nothing(client, brand, published, member):
    client.force_login(member)
    response = client.post(url("comment", brand, published.slug), {"body": "  "})
    assert response.status_code == 200 and response.context["form"].errors["body"]
    assert not Post.objects.exists()


def test_visitor_sees_login_prompt_and_cannot_comment(client, brand, published):
    html = client.get(url("article", brand, published.slug)).content.decode()
    assert reverse("accounts:login") in html and url("comment", brand, published.slug) not in html
    assert client.post(url("comment", brand, published.slug), {"body": "Anonym"}).status_code == 403
    assert not Post.objects.exists()


def test_team_writes_a_draft_and_publishes_it(client, brand, agent):
    client.force_login(agent)
    assert client.get(url("new", brand)).status_code == 200
    response = client.post(
        url("new", brand), {"title": "Baustelle Dresden", "summary": "Kurz", "body": "Text"}
    )
    article = Article.objects.get(title="Baustelle Dresden")
    assert response["Location"] == url("article", brand, article.slug)
    assert article.status == Article.Status.DRAFT
    client.post(url("publish", brand, article.slug))
    article.refresh_from_db()
    assert article.status == Article.Status.PUBLISHED and article.discussion_id
    client.post(url("unpublish", brand, article.slug))
    article.refresh_from_db()
    assert article.status == Article.Status.DRAFT


def test_team_publishes_directly_and_edits(client, brand, agent):
    client.force_login(agent)
    client.post(url("new", brand), {"title": "Sofort live", "body": "Text", "publish": "on"})
    article = Article.objects.get(title="Sofort live")
    assert article.status == Article.Status.PUBLISHED
    assert client.get(url("edit", brand, article.slug)).status_code == 200
    client.post(url("edit", brand, article.slug), {"title": "Sofort live (neu)", "body": "Neu"})
    article.refresh_from_db()
    assert article.title == "Sofort live (neu)" and article.body == "Neu"


def test_article_form_errors_save_nothing(client, brand, agent):
    client.force_login(agent)
    response = client.post(url("new", brand), {"title": "x", "body": "Text"})
    assert response.status_code == 200 and response.context["form"].errors["title"]
    response = client.post(url("new", brand), {"title": "Gute Überschrift", "body": ""})
    assert response.context["form"].errors["body"]
    response = client.post(
        url("new", brand), {"title": "Gute Überschrift", "body": "Text", "summary": "s" * 401}
    )
    assert response.context["form"].errors["summary"]
    assert not Article.objects.exists()


def test_team_pages_refuse_members_and_anonymous(client, brand, published, member):
    for page in [url("new", brand), url("edit", brand, published.slug)]:
        response = client.get(page)
        assert response.status_code == 302 and reverse("accounts:login") in response["Location"]
    assert client.post(url("unpublish", brand, published.slug)).status_code == 403
    client.force_login(member)
    for page in [url("new", brand), url("edit", brand, published.slug)]:
        assert client.get(page).status_code == 403
    assert client.post(url("new", brand), {"title": "Von Mitglied", "body": "Text"}).status_code == 403
    assert client.post(url("unpublish", brand, published.slug)).status_code == 403
    assert not Article.objects.filter(title="Von Mitglied").exists()
    published.refresh_from_db()
    assert published.status == Article.Status.PUBLISHED


def test_drafts_of_another_brand_are_invisible(client, brand, other_brand, agent):
    from resonanz.accounts.models import Role
    from resonanz.accounts.tests.factories import member_factory

    other_agent = member_factory(other_brand, Role.AGENT, username="otto")
    foreign = create_article(other_brand, title="Fremder Entwurf", body="Text", by=other_agent)
    foreign_live = create_article(
        other_brand, title="Fremd und live", body="Text", by=other_agent, publish=True
    )
    client.force_login(agent)
    assert client.get(url("article", brand, foreign.slug)).status_code == 404
    assert client.get(url("article", brand, foreign_live.slug)).status_code == 404
    assert client.get(url("edit", brand, foreign.slug)).status_code == 404
    assert client.post(url("publish", brand, foreign.slug)).status_code == 404
    html = client.get(url("index", brand)).content.decode()
    assert "Fremder Entwurf" not in html and "Fremd und live" not in html


def test_article_page_query_count(client, brand, published, member, django_assert_max_num_queries):
    from resonanz.community.services import create_reply

    for n in range(15):
        create_reply(published.discussion, body=f"Kommentar {n}", by=member)
    client.force_login(member)
    with django_assert_max_num_queries(10):
        assert client.get(url("article", brand, published.slug)).status_code == 200
