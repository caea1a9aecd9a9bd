"""REST API of the community: brands, categories, threads, posts, reactions, reports and search."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from resonanz.accounts.tests.factories import BrandFactory, UserFactory
from resonanz.community.models import Category, Post, Reaction, Thread, Visibility
from resonanz.community.tests.api_helpers import _fresh_rate_limits, bearer, call, url  # noqa: F401 (autouse fixture)
from resonanz.community.tests.factories import category_factory, post_factory, thread_factory
from resonanz.moderation.models import Report

pytestmark = pytest.mark.django_db

# --- brands and categories -------------------------------------------------------------------------


def test_brands_lists_active_brands_only(client, brand, other_brand):
    BrandFactory(slug="alt", name="Alt", is_active=False)
    response = client.get("/api/brands")
    assert response.status_code == 200
    assert [b["slug"] for b in response.json()] == ["eiscafe-venezia", "elbtal-bahn"]


def test_unknown_brand_is_404_json(client, db):
    response = client.get("/api/brands/gibt-es-nicht/threads")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_brand_detail(client, brand):
    assert client.get(url(brand)).json() == {"slug": brand.slug, "name": "Elbtal Bahn", "tagline": ""}


def test_categories_with_visible_thread_counts(client, brand, other_brand, moderator):
    thread_factory(brand)
    hidden = thread_factory(brand)
    Thread.objects.filter(pk=hidden.pk).update(visibility=Visibility.HIDDEN)
    category_factory(brand, slug="fahrplan", name="Fahrplan")
    category_factory(other_brand, slug="eis", name="Eis")
    anonymous = client.get(url(brand, "/categories")).json()
    assert [(c["slug"], c["thread_count"]) for c in anonymous] == [("allgemein", 1), ("fahrplan", 0)]
    as_moderator = call(client, "get", url(brand, "/categories"), moderator).json()
    assert as_moderator[0]["thread_count"] == 2


def test_category_detail_and_other_brands_category(client, brand, other_brand):
    category_factory(brand)
    category_factory(other_brand, slug="eis", name="Eis")
    assert client.get(url(brand, "/categories/allgemein")).json()["name"] == "Allgemein"
    assert client.get(url(brand, "/categories/eis")).status_code == 404


# --- threads ---------------------------------------------------------------------------------------


def test_thread_list_is_paginated(client, brand):
    for n in range(30):
        thread_factory(brand, title=f"Thema {n}")
    first = client.get(url(brand, "/threads")).json()
    assert first["count"] == 30 and len(first["items"]) == 25
    assert first["items"][0]["title"] == "Thema 29"  # latest activity first
    second = client.get(url(brand, "/threads?page=2")).json()
    assert len(second["items"]) == 5
    assert len(client.get(url(brand, "/threads?page_size=100")).json()["items"]) == 30
    assert client.get(url(brand, "/threads?page_size=101")).status_code == 422
    assert client.get(url(brand, "/threads?page=0")).status_code == 422
    assert client.get(url(brand, "/threads?page=1000000000000")).status_code == 422


def test_thread_list_filters_by_category_and_hides_other_brands(client, brand, other_brand):
    thread_factory(brand, title="Allgemeines")
    thread_factory(
        brand, title="Zum Fahrplan", category=category_factory(brand, slug="fahrplan", name="Fahrplan")
    )
    thread_factory(other_brand, title="Eis")
    items = client.get(url(brand, "/threads?category=fahrplan")).json()["items"]
    assert [t["title"] for t in items] == ["Zum Fahrplan"]
    assert {t["title"] for t in client.get(url(brand, "/threads")).json()["items"]} == {
        "Allgemeines",
        "Zum Fahrplan",
    }
    assert client.get(url(brand, "/threads?category=unbekannt")).status_code == 404


def test_hidden_threads_are_listed_for_moderators_only(client, brand, member, moderator):
    thread = thread_factory(brand)
    Thread.objects.filter(pk=thread.pk).update(visibility=Visibility.HIDDEN)
    assert call(client, "get", url(brand, "/threads"), member).json()["count"] == 0
    assert call(client, "get", url(brand, f"/threads/{thread.pk}"), member).status_code == 404
    listed = call(client, "get", url(brand, "/threads"), moderator).json()["items"]
    assert listed[0]["visibility"] == "hidden"


def test_thread_list_query_count_does_not_grow(client, brand, member, django_assert_max_num_queries):
    for _n in range(10):
        thread_factory(brand)
    headers = bearer(member)
    # token, role, brand, count, page
    with django_assert_max_num_queries(6):
        assert len(client.get(url(brand, "/threads"), **headers).json()["items"]) == 10


def test_create_thread_returns_thread_and_opening_post(client, brand, member):
    category_factory(brand)
    response = call(
        client, "post", url(brand, "/threads"), member,
        {"category": "allgemein", "title": "  Zug   fällt aus ", "body": "**Schon wieder**"},
    )  # fmt: skip
    assert response.status_code == 201
    body = response.json()
    assert body["title"] == "Zug fällt aus" and body["category"] == "allgemein" and body["author"] == "mia"
    assert body["can_edit"] is True
    assert body["opening_post"]["body_html"] == "<p><strong>Schon wieder</strong></p>\n"
    assert body["opening_post"]["is_opening"] is True


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"category": "allgemein", "title": "Hallo Welt", "body": "   "}, "body"),
        ({"category": "allgemein", "title": "x", "body": "Text"}, "title"),
        ({"category": "unbekannt", "title": "Hallo Welt", "body": "Text"}, "category"),
        ({"category": "eis", "title": "Hallo Welt", "body": "Text"}, "category"),  # another brand's
        ({"category": "blog", "title": "Hallo Welt", "body": "Text"}, "category"),  # not a forum category
    ],
)
def test_create_thread_bad_input_is_422_and_saves_nothing(client, brand, other_brand, member, payload, field):
    category_factory(brand)
    category_factory(other_brand, slug="eis", name="Eis")
    Category.objects.create(brand=brand, slug="blog", name="Blog", kind=Category.Kind.BLOG)
    response = call(client, "post", url(brand, "/threads"), member, payload)
    assert response.status_code == 422
    assert response.json()["code"] == "invalid"
    assert field in response.json()["errors"]
    assert Thread.objects.count() == 0 and Post.objects.count() == 0


def test_create_thread_oversized_body_is_422(client, brand, member, settings):
    category_factory(brand)
    settings.RESONANZ = {**settings.RESONANZ, "MAX_POST_CHARS": 10}
    response = call(
        client,
        "post",
        url(brand, "/threads"),
        member,
        {"category": "allgemein", "title": "Hallo", "body": "x" * 11},
    )
    assert response.status_code == 422
    assert "10" in response.json()["errors"]["body"]  # the limit is named in the message
    assert Thread.objects.count() == 0


def test_posting_is_rate_limited(client, brand, member, settings):
    category_factory(brand)
    settings.RESONANZ = {
        **settings.RESONANZ,
        "RATE_LIMITS": {**settings.RESONANZ["RATE_LIMITS"], "post": (1, 60)},
    }
    payload = {"category": "allgemein", "title": "Hallo Welt", "body": "Text"}
    assert call(client, "post", url(brand, "/threads"), member, payload).status_code == 201
    limited = call(client, "post", url(brand, "/threads"), member, payload)
    assert limited.status_code == 429
    assert limited.json()["code"] == "rate_limited"
    assert int(limited["Retry-After"]) > 0
    assert Thread.objects.count() == 1


def test_thread_detail_and_other_brands_thread(client, brand, other_brand):
    thread = thread_factory(brand, replies=1)
    foreign = thread_factory(other_brand)
    body = client.get(url(brand, f"/threads/{thread.pk}")).json()
    assert body["reply_count"] == 1 and body["opening_post"]["body"] == "Wann fährt der erste Zug?"
    assert body["can_edit"] is False
    response = client.get(url(brand, f"/threads/{foreign.pk}"))
    assert response.status_code == 404 and response.json()["code"] == "not_found"


def test_author_renames_thread_within_the_edit_window(client, brand, member):
    thread = thread_factory(brand, author=member)
    response = call(client, "patch", url(brand, f"/threads/{thread.pk}"), member, {"title": "Neuer Titel"})
    assert response.status_code == 200
    assert response.json()["title"] == "Neuer Titel"
    assert response.json()["opening_post"]["body"] == "Wann fährt der erste Zug?"  # body kept
    assert response.json()["opening_post"]["edited_at"] is not None


def test_renaming_is_refused_to_others_and_after_the_window(client, brand, member, moderator):
    thread = thread_factory(brand, author=member)
    patch_url = url(brand, f"/threads/{thread.pk}")
    assert call(client, "patch", patch_url, moderator, {"title": "Fremder Titel"}).status_code == 403
    with time_machine.travel(timezone.now() + timedelta(minutes=31)):
        late = call(client, "patch", patch_url, member, {"title": "Zu spät"})
    assert late.status_code == 403 and late.json()["code"] == "not_allowed"
    thread.refresh_from_db()
    assert thread.title == "Frage zum Fahrplan"


def test_bad_title_on_rename_changes_nothing(client, brand, member):
    thread = thread_factory(brand, author=member)
    response = call(
        client, "patch", url(brand, f"/threads/{thread.pk}"), member, {"title": "  ", "body": "Neu"}
    )
    assert response.status_code == 422
    thread.refresh_from_db()
    post = thread.posts.get()
    assert (
        thread.title == "Frage zum Fahrplan"
        and post.body == "Wann fährt der erste Zug?"
        and post.edited_at is None
    )


def test_renaming_another_brands_thread_is_404(client, brand, other_brand, member):
    thread = thread_factory(other_brand, author=member)
    assert (
        call(client, "patch", url(brand, f"/threads/{thread.pk}"), member, {"title": "Neu"}).status_code
        == 404
    )


# --- posts -----------------------------------------------------------------------------------------


def test_thread_posts_are_paginated_in_writing_order(client, brand, other_brand):
    thread = thread_factory(brand, replies=3)
    foreign = thread_factory(other_brand)
    page = client.get(url(brand, f"/threads/{thread.pk}/posts")).json()
    assert page["count"] == 4
    assert [p["body"] for p in page["items"]] == [
        "Wann fährt der erste Zug?",
        "Antwort 1",
        "Antwort 2",
        "Antwort 3",
    ]
    assert (
        client.get(url(brand, f"/threads/{thread.pk}/posts?page_size=2&page=2")).json()["items"][0]["body"]
        == "Antwort 2"
    )
    assert client.get(url(brand, f"/threads/{foreign.pk}/posts")).status_code == 404


def test_thread_posts_hide_hidden_posts_from_members(client, brand, member, moderator):
    thread = thread_factory(brand, replies=2)
    Post.objects.filter(body="Antwort 1").update(visibility=Visibility.HIDDEN)
    assert call(client, "get", url(brand, f"/threads/{thread.pk}/posts"), member).json()["count"] == 2
    assert call(client, "get", url(brand, f"/threads/{thread.pk}/posts"), moderator).json()["count"] == 3


def test_thread_posts_query_count_does_not_grow(client, brand, member, django_assert_max_num_queries):
    thread = thread_factory(brand, replies=12)
    headers = bearer(member)
    # token (+ last used), brand, role, thread, its brand, count, posts, own reactions
    with django_assert_max_num_queries(9):
        items = client.get(url(brand, f"/threads/{thread.pk}/posts"), **headers).json()["items"]
    assert len(items) == 13 and all(p["my_reactions"] == [] for p in items)


def test_reply(client, brand, member):
    thread = thread_factory(brand)
    response = call(client, "post", url(brand, f"/threads/{thread.pk}/posts"), member, {"body": "Danke!"})
    assert response.status_code == 201
    assert response.json()["body"] == "Danke!" and response.json()["can_edit"] is True
    thread.refresh_from_db()
    assert thread.reply_count == 1


def test_reply_refusals(client, brand, other_brand, member, settings):
    locked = thread_factory(brand, locked=True)
    thread = thread_factory(brand)
    foreign = thread_factory(other_brand)
    assert (
        call(client, "post", url(brand, f"/threads/{locked.pk}/posts"), member, {"body": "Hallo"}).status_code
        == 403
    )
    assert (
        call(
            client, "post", url(brand, f"/threads/{foreign.pk}/posts"), member, {"body": "Hallo"}
        ).status_code
        == 404
    )
    empty = call(client, "post", url(brand, f"/threads/{thread.pk}/posts"), member, {"body": ""})
    assert empty.status_code == 422 and "body" in empty.json()["errors"]
    settings.RESONANZ = {**settings.RESONANZ, "MAX_POST_CHARS": 5}
    assert (
        call(
            client, "post", url(brand, f"/threads/{thread.pk}/posts"), member, {"body": "zu lang"}
        ).status_code
        == 422
    )
    assert Post.objects.filter(author=member).count() == 0


def test_post_detail_and_other_brands_post(client, brand, other_brand):
    post = post_factory(thread_factory(brand), body="Hallo *Welt*")
    foreign = post_factory(thread_factory(other_brand))
    body = client.get(url(brand, f"/posts/{post.pk}")).json()
    assert body["body_html"] == "<p>Hallo <em>Welt</em></p>\n" and body["author"] == post.author.username
    assert client.get(url(brand, f"/posts/{foreign.pk}")).status_code == 404


def test_author_of_deleted_account_is_null(client, brand):
    post = post_factory(thread_factory(brand))
    post.author.delete()
    assert client.get(url(brand, f"/posts/{post.pk}")).json()["author"] is None


def test_edit_own_post_within_the_window(client, brand, member):
    post = post_factory(thread_factory(brand), author=member)
    response = call(client, "patch", url(brand, f"/posts/{post.pk}"), member, {"body": "Korrigiert"})
    assert response.status_code == 200
    assert response.json()["body"] == "Korrigiert" and response.json()["edited_at"] is not None


def test_edit_refusals(client, brand, other_brand, member, settings):
    own = post_factory(thread_factory(brand), author=member)
    other = post_factory(thread_factory(brand))
    foreign = post_factory(thread_factory(other_brand), author=member)
    assert (
        call(client, "patch", url(brand, f"/posts/{other.pk}"), member, {"body": "Meins"}).status_code == 403
    )
    assert (
        call(client, "patch", url(brand, f"/posts/{foreign.pk}"), member, {"body": "Meins"}).status_code
        == 404
    )
    assert call(client, "patch", url(brand, f"/posts/{own.pk}"), None, {"body": "Anonym"}).status_code == 401
    assert call(client, "patch", url(brand, f"/posts/{own.pk}"), member, {"body": " "}).status_code == 422
    with time_machine.travel(timezone.now() + timedelta(minutes=31)):
        assert (
            call(client, "patch", url(brand, f"/posts/{own.pk}"), member, {"body": "Spät"}).status_code == 403
        )
    own.refresh_from_db()
    assert own.body == "Eine Antwort." and own.edited_at is None


# --- reactions and reports -------------------------------------------------------------------------


def test_reaction_toggles_and_reports_counts(client, brand, member):
    post = post_factory(thread_factory(brand))
    react = url(brand, f"/posts/{post.pk}/reactions")
    on = call(client, "post", react, member, {"kind": "helpful"})
    assert on.status_code == 200
    assert on.json() == {"kind": "helpful", "active": True, "like_count": 0, "helpful_count": 1}
    assert call(client, "get", url(brand, f"/posts/{post.pk}"), member).json()["my_reactions"] == ["helpful"]
    off = call(client, "post", react, member, {"kind": "helpful"})
    assert off.json() == {"kind": "helpful", "active": False, "like_count": 0, "helpful_count": 0}
    assert Reaction.objects.count() == 0


def test_reaction_refusals(client, brand, other_brand, member):
    post = post_factory(thread_factory(brand))
    foreign = post_factory(thread_factory(other_brand))
    assert (
        call(client, "post", url(brand, f"/posts/{post.pk}/reactions"), member, {"kind": "love"}).status_code
        == 422
    )
    assert (
        call(client, "post", url(brand, f"/posts/{post.pk}/reactions"), None, {"kind": "like"}).status_code
        == 401
    )
    assert (
        call(
            client, "post", url(brand, f"/posts/{foreign.pk}/reactions"), member, {"kind": "like"}
        ).status_code
        == 404
    )
    assert Reaction.objects.count() == 0


def test_report_a_post(client, brand, member):
    post = post_factory(thread_factory(brand))
    response = call(
        client, "post", url(brand, f"/posts/{post.pk}/reports"), member, {"reason": "spam", "note": "Werbung"}
    )
    assert response.status_code == 201
    assert response.json()["reason"] == "spam" and response.json()["status"] == "open"
    again = call(client, "post", url(brand, f"/posts/{post.pk}/reports"), member, {"reason": "spam"})
    assert again.status_code == 409 and again.json()["code"] == "conflict"
    assert Report.objects.count() == 1


def test_report_refusals(client, brand, other_brand, member, settings):
    own = post_factory(thread_factory(brand), author=member)
    post = post_factory(thread_factory(brand))
    foreign = post_factory(thread_factory(other_brand))
    assert (
        call(client, "post", url(brand, f"/posts/{own.pk}/reports"), member, {"reason": "spam"}).status_code
        == 403
    )
    assert (
        call(
            client, "post", url(brand, f"/posts/{foreign.pk}/reports"), member, {"reason": "spam"}
        ).status_code
        == 404
    )
    assert (
        call(
            client, "post", url(brand, f"/posts/{post.pk}/reports"), member, {"reason": "boring"}
        ).status_code
        == 422
    )
    long_note = {"reason": "other", "note": "x" * 2001}
    assert call(client, "post", url(brand, f"/posts/{post.pk}/reports"), member, long_note).status_code == 422
    assert (
        call(client, "post", url(brand, f"/posts/{post.pk}/reports"), None, {"reason": "spam"}).status_code
        == 401
    )
    settings.RESONANZ = {
        **settings.RESONANZ,
        "RATE_LIMITS": {**settings.RESONANZ["RATE_LIMITS"], "report": (0, 60)},
    }
    assert (
        call(client, "post", url(brand, f"/posts/{post.pk}/reports"), member, {"reason": "spam"}).status_code
        == 429
    )
    assert Report.objects.count() == 0


# --- search ----------------------------------------------------------------------------------------


def test_search_finds_the_brands_visible_posts(client, brand, other_brand):
    thread = thread_factory(brand, title="Verspätungen", body="Der Zug hatte Verspätung.")
    hidden = post_factory(thread, body="Auch heute Verspätung!")
    Post.objects.filter(pk=hidden.pk).update(visibility=Visibility.HIDDEN)
    thread_factory(other_brand, body="Verspätung beim Eis")
    response = client.get(url(brand, "/search?q=Verspät"))
    assert response.status_code == 200
    hits = response.json()
    assert [h["thread_title"] for h in hits] == ["Verspätungen"]
    assert hits[0]["category"] == "allgemein" and "Verspätung" in hits[0]["body_html"]


def test_search_parameters_are_bounded(client, brand):
    assert client.get(url(brand, "/search")).status_code == 422
    assert client.get(url(brand, "/search?q=x&limit=51")).status_code == 422
    assert client.get(url(brand, "/search?q=x&offset=-1")).status_code == 422
    assert client.get(url(brand, "/search?q=" + "x" * 201)).status_code == 422
    assert client.get(url(brand, "/search?q=%21%21")).json() == []  # no words: nothing to find


def test_users_are_shown_by_handle_only(client, brand):
    user = UserFactory(username="echt", display_name="Echter Name")
    thread_factory(brand, author=user)
    item = client.get(url(brand, "/threads")).json()["items"][0]
    assert item["author"] == "echt"
