"""Forum pages: rendering per role, forms and their errors, permissions, brand isolation, htmx, queries."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from resonanz.accounts.tests.factories import UserFactory
from resonanz.blog.services import comment_on_article, create_article
from resonanz.community.models import Post, Reaction, Thread, Visibility
from resonanz.community.tests.factories import category_factory, post_factory, thread_factory

pytestmark = pytest.mark.django_db


def url(name: str, brand, *args: object) -> str:
    return reverse(f"community:{name}", args=[brand.slug, *args])


@pytest.fixture
def thread(brand, member):
    return thread_factory(
        brand, title="Verspätung in Pirna", body="Der RE fiel aus.", author=member, replies=2
    )


# --- pages render ----------------------------------------------------------------------------------


@pytest.mark.parametrize("who", [None, "member", "agent", "moderator"])
def test_every_forum_page_renders_for_each_role(client, request, brand, thread, who):
    if who:
        client.force_login(request.getfixturevalue(who))
    for page in [
        url("index", brand),
        url("category", brand, thread.category.slug),
        url("thread", brand, thread.pk),
        url("search", brand) + "?q=RE",
    ]:
        response = client.get(page)
        assert response.status_code == 200, page
        assert b'id="main"' in response.content


def test_index_lists_categories_with_counts_threads_and_blog_teaser(client, brand, thread, agent):
    create_article(brand, title="Neuer Fahrplan ab Juni", body="Alles neu.", by=agent, publish=True)
    create_article(brand, title="Geheimer Entwurf", body="Noch nicht.", by=agent)
    response = client.get(url("index", brand))
    html = response.content.decode()
    assert "Verspätung in Pirna" in html
    assert "Allgemein" in html and "1 Thema" in html
    assert "Neuer Fahrplan ab Juni" in html
    assert "Geheimer Entwurf" not in html


def test_index_paginates_25_threads_per_page(client, brand):
    category = category_factory(brand)
    for n in range(27):
        thread_factory(brand, title=f"Thema Nummer {n:02d}", category=category)
    first = client.get(url("index", brand))
    assert len(first.context["page"]) == 25 and first.context["page"].has_next()
    second = client.get(url("index", brand) + "?page=2")
    assert len(second.context["page"]) == 2
    assert client.get(url("index", brand) + "?page=abc").status_code == 200


def test_thread_page_shows_posts_author_links_and_visitor_login_prompt(client, brand, thread, member):
    html = client.get(url("thread", brand, thread.pk)).content.decode()
    assert "Der RE fiel aus." in html
    assert reverse("accounts:profile", args=[member.username]) in html
    assert reverse("accounts:login") in html  # visitors are asked to log in to reply
    assert 'action="' + url("reply", brand, thread.pk) not in html


def test_deleted_author_is_shown_as_deleted(client, brand, thread):
    Post.objects.filter(thread=thread).update(author=None)
    html = client.get(url("thread", brand, thread.pk)).content.decode()
    assert "gelöscht" in html
    html_en = client.get(url("thread", brand, thread.pk), headers={"accept-language": "en"}).content.decode()
    assert "deleted" in html_en


def test_hidden_posts_are_shown_greyed_to_moderators_only(client, brand, thread, moderator, member):
    hidden = post_factory(thread, body="Versteckter Beitrag", visibility=Visibility.HIDDEN)
    client.force_login(member)
    assert "Versteckter Beitrag" not in client.get(url("thread", brand, thread.pk)).content.decode()
    client.force_login(moderator)
    html = client.get(url("thread", brand, thread.pk)).content.decode()
    assert "Versteckter Beitrag" in html
    assert f'class="post hidden" id="post-{hidden.pk}"' in html
    assert "Ausgeblendet" in html or "Hidden" in html


def test_edit_and_report_links_follow_permissions(client, brand, thread, member):
    own = thread.posts.get(is_opening=True)
    other = thread.posts.exclude(pk=own.pk).first()
    client.force_login(member)
    html = client.get(url("thread", brand, thread.pk)).content.decode()
    assert url("edit_post", brand, own.pk) in html
    assert url("edit_post", brand, other.pk) not in html
    assert reverse("moderation:report", args=[brand.slug, other.pk]) in html
    assert reverse("moderation:report", args=[brand.slug, own.pk]) not in html


# --- writing -----------------------------------------------------------------------------------------


def test_member_creates_thread(client, brand, member):
    category = category_factory(brand, slug="fahrplan", name="Fahrplan")
    client.force_login(member)
    assert client.get(url("new_thread", brand) + "?category=fahrplan").status_code == 200
    response = client.post(
        url("new_thread", brand), {"category": "fahrplan", "title": "Neue Frage", "body": "Text"}
    )
    created = Thread.objects.get(title="Neue Frage")
    assert created.category == category
    assert response.status_code == 302 and response["Location"] == url("thread", brand, created.pk)


def test_new_thread_needs_login(client, brand):
    response = client.get(url("new_thread", brand))
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"category": "allgemein", "title": "Titel", "body": "   "}, "body"),
        ({"category": "allgemein", "title": "Titel", "body": "x" * 51}, "body"),
        ({"category": "gibt-es-nicht", "title": "Titel", "body": "Text"}, "category"),
        ({"category": "allgemein", "title": "x", "body": "Text"}, "title"),
    ],
)
def test_new_thread_shows_field_errors_and_saves_nothing(client, brand, member, settings, data, field):
    settings.RESONANZ = {**settings.RESONANZ, "MAX_POST_CHARS": 50}
    category_factory(brand)
    client.force_login(member)
    response = client.post(url("new_thread", brand), data)
    assert response.status_code == 200
    assert response.context["form"].errors[field]
    assert 'class="errorlist"' in response.content.decode()
    assert Thread.objects.count() == 0 and Post.objects.count() == 0


def test_category_of_other_brand_is_not_offered(client, brand, other_brand, member):
    category_factory(brand)
    category_factory(other_brand, slug="eis", name="Eissorten")
    client.force_login(member)
    response = client.post(url("new_thread", brand), {"category": "eis", "title": "Titel", "body": "Text"})
    assert response.context["form"].errors["category"]
    assert Thread.objects.count() == 0


def test_member_replies(client, brand, thread, member):
    client.force_login(member)
    response = client.post(url("reply", brand, thread.pk), {"body": "Danke für die Info!"})
    post = Post.objects.get(body="Danke für die Info!")
    assert response["Location"] == url("thread", brand, thread.pk) + f"#post-{post.pk}"
    thread.refresh_from_db()
    assert thread.reply_count == 3


def test_empty_reply_shows_error_and_saves_nothing(client, brand, thread, member):
    client.force_login(member)
    before = Post.objects.count()
    response = client.post(url("reply", brand, thread.pk), {"body": ""})
    assert response.status_code == 200 and response.context["form"].errors["body"]
    assert Post.objects.count() == before


def test_visitor_cannot_reply(client, brand, thread):
    before = Post.objects.count()
    response = client.post(url("reply", brand, thread.pk), {"body": "Anonym"})
    assert response.status_code == 403
    assert Post.objects.count() == before


def test_reply_to_locked_thread_is_refused_for_members(client, brand, member):
    locked = thread_factory(brand, locked=True)
    client.force_login(member)
    assert client.post(url("reply", brand, locked.pk), {"body": "Hallo?"}).status_code == 403
    assert "Hallo?" not in Post.objects.values_list("body", flat=True)


def test_rate_limit_refuses_reply(client, brand, thread, member, settings):
    settings.RESONANZ = {
        **settings.RESONANZ,
        "RATE_LIMITS": {**settings.RESONANZ["RATE_LIMITS"], "post": (1, 600)},
    }
    client.force_login(member)
    client.post(url("reply", brand, thread.pk), {"body": "Eins"})
    response = client.post(url("reply", brand, thread.pk), {"body": "Zwei"})
    assert response.status_code == 429 and "Retry-After" in response.headers
    assert not Post.objects.filter(body="Zwei").exists()


# --- editing -----------------------------------------------------------------------------------------


def test_author_edits_opening_post_and_title_within_window(client, brand, thread, member):
    post = thread.posts.get(is_opening=True)
    client.force_login(member)
    assert client.get(url("edit_post", brand, post.pk)).status_code == 200
    response = client.post(url("edit_post", brand, post.pk), {"title": "Neuer Titel", "body": "Korrigiert"})
    assert response.status_code == 302
    post.refresh_from_db()
    thread.refresh_from_db()
    assert post.body == "Korrigiert" and post.edited_at and thread.title == "Neuer Titel"
    assert "(bearbeitet)" in client.get(url("thread", brand, thread.pk)).content.decode()


def test_edit_with_empty_body_shows_error(client, brand, thread, member):
    post = thread.posts.get(is_opening=True)
    client.force_login(member)
    response = client.post(url("edit_post", brand, post.pk), {"title": "Titel", "body": ""})
    assert response.status_code == 200 and response.context["form"].errors["body"]
    post.refresh_from_db()
    assert post.body == "Der RE fiel aus."


def test_member_cannot_edit_someone_elses_post(client, brand, thread, member):
    other = post_factory(thread, body="Fremder Text")
    client.force_login(member)
    assert client.get(url("edit_post", brand, other.pk)).status_code == 403
    assert client.post(url("edit_post", brand, other.pk), {"body": "Gekapert"}).status_code == 403
    other.refresh_from_db()
    assert other.body == "Fremder Text"


def test_member_cannot_edit_after_the_window(client, brand, thread, member):
    post = thread.posts.get(is_opening=True)
    client.force_login(member)
    with time_machine.travel(timezone.now() + timedelta(hours=2)):
        assert client.get(url("edit_post", brand, post.pk)).status_code == 403
        assert (
            client.post(url("edit_post", brand, post.pk), {"title": "Spät", "body": "Zu spät"}).status_code
            == 403
        )
        assert (
            url("edit_post", brand, post.pk)
            not in client.get(url("thread", brand, thread.pk)).content.decode()
        )
    post.refresh_from_db()
    assert post.body == "Der RE fiel aus."


# --- reactions ---------------------------------------------------------------------------------------


def test_reaction_without_js_redirects_back(client, brand, thread, member):
    post = thread.posts.exclude(author=member).first()
    client.force_login(member)
    response = client.post(url("react", brand, post.pk, "like"))
    assert response.status_code == 302 and response["Location"].endswith(f"#post-{post.pk}")
    assert Reaction.objects.filter(post=post, user=member, kind="like").exists()


def test_reaction_with_htmx_returns_the_buttons_fragment(client, brand, thread, member):
    post = thread.posts.exclude(author=member).first()
    client.force_login(member)
    response = client.post(url("react", brand, post.pk, "helpful"), headers={"hx-request": "true"})
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith(f'<div class="reactions" id="reactions-{post.pk}">')
    assert "<html" not in html
    assert 'aria-pressed="true"' in html and 'aria-pressed="false"' in html
    again = client.post(
        url("react", brand, post.pk, "helpful"), headers={"hx-request": "true"}
    ).content.decode()
    assert 'aria-pressed="true"' not in again
    post.refresh_from_db()
    assert post.helpful_count == 0


def test_reaction_needs_login_and_known_kind(client, brand, thread, member):
    post = thread.posts.first()
    assert client.post(url("react", brand, post.pk, "like")).status_code == 403
    client.force_login(member)
    assert client.post(url("react", brand, post.pk, "love")).status_code == 422
    assert client.get(url("react", brand, post.pk, "like")).status_code == 405
    assert Reaction.objects.count() == 0


# --- long threads ------------------------------------------------------------------------------------


def test_long_thread_is_paged_50_posts_a_page_oldest_first(client, brand):
    long = thread_factory(brand, replies=60)  # 61 posts
    first = client.get(url("thread", brand, long.pk)).content.decode()
    assert first.count('class="post') == 50 and "Antwort 49" in first and "Antwort 50<" not in first
    assert "Page 1 of 2" in first.replace("Seite 1 von 2", "Page 1 of 2") and "?page=2" in first
    second = client.get(url("thread", brand, long.pk), {"page": 2}).content.decode()
    assert second.count('class="post') == 11 and "Antwort 60" in second and "Antwort 49<" not in second
    assert client.get(url("thread", brand, long.pk), {"page": "x"}).status_code == 200  # page 1


def test_post_permalink_finds_the_page_of_the_post(client, brand, moderator):
    long = thread_factory(brand, replies=60)
    posts = list(long.posts.order_by("created_at", "id"))
    assert client.get(url("post", brand, posts[3].pk))["Location"] == url("thread", brand, long.pk) + (
        f"#post-{posts[3].pk}"
    )
    late = client.get(url("post", brand, posts[55].pk))["Location"]
    assert late == url("thread", brand, long.pk) + f"?page=2#post-{posts[55].pk}"
    # Visitors do not see hidden posts, so those do not push a post to a later page for them; moderators do.
    Post.objects.filter(pk__in=[p.pk for p in posts[1:7]]).update(visibility=Visibility.HIDDEN)
    assert "?page=" not in client.get(url("post", brand, posts[55].pk))["Location"]
    client.force_login(moderator)
    assert "?page=2" in client.get(url("post", brand, posts[55].pk))["Location"]
    assert client.get(url("post", brand, 999_999)).status_code == 404


def test_reply_to_a_long_thread_lands_on_its_last_page(client, brand, member):
    long = thread_factory(brand, replies=60)
    client.force_login(member)
    response = client.post(url("reply", brand, long.pk), {"body": "Ich auch."})
    post = Post.objects.get(body="Ich auch.")
    assert response["Location"] == url("thread", brand, long.pk) + f"?page=2#post-{post.pk}"
    invalid = client.post(url("reply", brand, long.pk), {"body": ""}).content.decode()
    assert "Ich auch." in invalid  # the form with its error is shown on the last page, next to the newest


# --- search ------------------------------------------------------------------------------------------


def test_search_links_to_thread_post_and_to_blog_article(client, brand, agent, member):
    forum = thread_factory(brand, body="Die Klimaanlage im Regionalexpress ist kaputt")
    article = create_article(brand, title="Sommer", body="Wir rüsten um.", by=agent, publish=True)
    comment = comment_on_article(article, body="Klimaanlage endlich repariert?", by=member)
    response = client.get(url("search", brand), {"q": "klimaanlage"})
    html = response.content.decode()
    forum_post = forum.posts.get()
    assert f'href="{reverse("community:post", args=[brand.slug, forum_post.pk])}"' in html
    assert f'href="{reverse("blog:article", args=[brand.slug, article.slug])}#post-{comment.pk}"' in html


def test_search_paginates_by_20(client, brand):
    category = category_factory(brand)
    for n in range(23):
        thread_factory(brand, category=category, body=f"Fahrrad Beitrag {n}")
    first = client.get(url("search", brand), {"q": "fahrrad"})
    assert len(first.context["results"]) == 20 and first.context["has_next"]
    second = client.get(url("search", brand), {"q": "fahrrad", "page": "2"})
    assert len(second.context["results"]) == 3 and not second.context["has_next"]
    assert client.get(url("search", brand), {"q": "fahrrad", "page": "9" * 40}).status_code == 200


def test_empty_search_shows_just_the_form(client, brand):
    response = client.get(url("search", brand))
    assert response.status_code == 200 and response.context["results"] == []


# --- isolation ---------------------------------------------------------------------------------------


def test_thread_of_another_brand_is_404(client, brand, other_brand, member):
    foreign = thread_factory(other_brand, title="Eis des Monats")
    foreign_post = foreign.posts.get()
    client.force_login(member)
    assert client.get(url("thread", brand, foreign.pk)).status_code == 404
    assert client.post(url("reply", brand, foreign.pk), {"body": "Hallo"}).status_code == 404
    assert client.get(url("edit_post", brand, foreign_post.pk)).status_code == 404
    assert client.post(url("react", brand, foreign_post.pk, "like")).status_code == 404
    assert client.get(url("category", brand, foreign.category.slug + "-x")).status_code == 404
    assert "Eis des Monats" not in client.get(url("index", brand)).content.decode()


def test_unknown_brand_is_404(client):
    assert client.get("/b/gibt-es-nicht/").status_code == 404


def test_blog_comment_thread_redirects_to_the_article(client, brand, agent):
    article = create_article(brand, title="Artikel", body="Text", by=agent, publish=True)
    response = client.get(url("thread", brand, article.discussion_id))
    assert response.status_code == 302
    assert response["Location"] == reverse("blog:article", args=[brand.slug, article.slug])


# --- safety and queries ------------------------------------------------------------------------------


def test_script_and_javascript_links_never_render_active(client, brand, member):
    evil = "<script>alert(1)</script> [x](javascript:alert(1)) <img src=x onerror=alert(1)>"
    thread = thread_factory(brand, title="<script>alert('t')</script>", body=evil, author=member)
    html = client.get(url("thread", brand, thread.pk)).content.decode()
    assert "<script>alert" not in html
    assert 'href="javascript' not in html  # markdown-it refuses the link; it stays inert text
    assert "<img" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;script&gt;alert(&#x27;t&#x27;)&lt;/script&gt;" in html  # the title is escaped text
    index_html = client.get(url("index", brand)).content.decode()
    assert "<script>alert('t')" not in index_html


def test_thread_page_query_count_does_not_grow_with_posts(
    client, brand, member, django_assert_max_num_queries
):
    thread = thread_factory(brand, replies=30)
    for post in thread.posts.all()[:10]:
        Reaction.objects.create(post=post, user=member, kind="like")
    client.force_login(member)
    with django_assert_max_num_queries(10):
        response = client.get(url("thread", brand, thread.pk))
    assert response.status_code == 200
    assert response.content.decode().count('aria-pressed="true"') == 10


def test_index_query_count_does_not_grow_with_threads(client, brand, agent, django_assert_max_num_queries):
    for n in range(3):
        category_factory(brand, slug=f"k{n}", name=f"Kategorie {n}")
    for n in range(30):
        thread_factory(brand, title=f"Thema {n}", author=UserFactory())
    for n in range(3):
        create_article(brand, title=f"Artikel {n}", body="Text", by=agent, publish=True)
    with django_assert_max_num_queries(8):
        assert client.get(url("index", brand)).status_code == 200
