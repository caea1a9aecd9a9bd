"""Thread actions from the moderators' page and the API; the forum page keeps protected replies readable;
staff cannot edit other people's posts; a member deleting their account leaves a state that says so."""

from __future__ import annotations

import pytest
from django.urls import reverse

from resonanz.accounts.tests.factories import UserFactory
from resonanz.community.models import Post, Thread, Visibility
from resonanz.community.privacy import delete_account
from resonanz.community.tests.factories import post_factory, thread_factory
from resonanz.moderation import services
from resonanz.moderation.models import ModerationDecision
from resonanz.moderation.tests.factories import rule

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("rules", "english")]
API = "/api/brands/elbtal-bahn"
JSON = "application/json"
PROTECTED = {"sentiment": "negative", "criticism": True}
UNPROTECTED = {"sentiment": "negative", "criticism": False, "abuse": True, "abuse_confident": True}
CRITICISM = "Seit dem Fahrplanwechsel ist der Service deutlich schlechter geworden."


def labelled(post: Post, labels: dict[str, object]) -> Post:
    post.labels = dict(labels)
    post.save(update_fields=["labels"])
    return post


@pytest.fixture
def thread(brand) -> Thread:
    """A neutral, unprotected opening post with one protected reply (criticism)."""
    created = thread_factory(brand, title="Pöbelei am Bahnsteig", body="Ihr seid alle Idioten.")
    labelled(created.posts.get(), UNPROTECTED)
    labelled(post_factory(created, body=CRITICISM), PROTECTED)
    return created


def visibilities(thread: Thread) -> list[str]:
    return list(thread.posts.order_by("created_at", "id").values_list("visibility", flat=True))


def test_staff_thread_page_hides_and_shows_what_waits(client, brand, thread, moderator, member):
    url = reverse("moderation_staff:thread", args=[brand.slug, thread.pk])
    client.force_login(member)
    assert client.get(url).status_code == 403
    client.force_login(moderator)
    page = client.get(url)
    assert page.status_code == 200 and "protected: four eyes" in page.content.decode()
    form = {"action": "hide", "rules": [rule(brand).pk], "explanation": "Beleidigungen im Eröffnungsbeitrag.",
            "expected_state": page.context["form"].initial["expected_state"]}  # fmt: skip
    done = client.post(url, form, follow=True)
    assert "1 decision(s) effective, 1 waiting" in done.content.decode()
    assert visibilities(thread) == [Visibility.HIDDEN, Visibility.VISIBLE]


def test_staff_thread_page_shows_the_freeze_refusal(client, brand, thread, moderator, manager):
    services.set_deletion_freeze(brand, on=True, reason="Shitstorm nach dem Rückruf.", by=manager)
    client.force_login(moderator)
    url = reverse("moderation_staff:thread", args=[brand.slug, thread.pk])
    form = {"action": "remove", "rules": [rule(brand).pk], "explanation": "Beleidigungen im Thema."}
    page = client.post(url, form)
    assert page.status_code == 422 and "A deletion freeze is on" in page.content.decode()
    assert visibilities(thread) == [Visibility.VISIBLE, Visibility.VISIBLE]


def test_forum_page_shows_a_placeholder_and_the_protected_reply(client, brand, thread, moderator):
    services.act_on_thread(thread, action="hide", by=moderator, rules=[rule(brand)],
                           explanation="Beleidigungen im Thema.")  # fmt: skip
    page = client.get(reverse("community:thread", args=[brand.slug, thread.pk]))
    text = page.content.decode()
    assert page.status_code == 200 and 'id="opening-placeholder"' in text
    assert CRITICISM in text and "Idioten" not in text
    assert "Moderate this thread" not in text
    client.force_login(moderator)
    assert (
        "Moderate this thread"
        in client.get(reverse("community:thread", args=[brand.slug, thread.pk])).content.decode()
    )


def test_api_thread_action_with_four_eyes_and_freeze(client, brand, thread, moderator, moderator2, manager):
    client.force_login(moderator)
    url = f"{API}/moderation/threads/{thread.pk}/actions"
    body = {"action": "remove", "rules": [1], "explanation": "Beleidigungen im Thema."}
    services.set_deletion_freeze(brand, on=True, reason="Shitstorm nach dem Rückruf.", by=manager)
    frozen = client.post(url, body, content_type=JSON)
    assert frozen.status_code == 409 and frozen.json()["code"] == "deletion_frozen"
    services.set_deletion_freeze(brand, on=False, reason="", by=manager)
    done = client.post(url, body, content_type=JSON)
    assert done.status_code == 201
    statuses = [d["status"] for d in done.json()["decisions"]]
    assert statuses == ["effective", "pending_approval"] and done.json()["visibility"] == "visible"
    client.force_login(moderator2)
    client.post(f"{API}/moderation/decisions/{done.json()['decisions'][1]['puid']}/approve")
    assert visibilities(thread) == [Visibility.REMOVED, Visibility.REMOVED]


def test_api_lock_and_refusals(client, brand, thread, moderator, member):
    url = f"{API}/moderation/threads/{thread.pk}/actions"
    body = {"action": "lock", "rules": [1], "explanation": "Das Thema ist ausdiskutiert."}
    client.force_login(member)
    assert client.post(url, body, content_type=JSON).status_code == 403
    client.force_login(moderator)
    assert client.post(url, {**body, "rules": []}, content_type=JSON).json()["code"] == "rule_required"
    done = client.post(url, body, content_type=JSON)
    assert done.status_code == 201 and done.json()["decisions"][0]["status"] == "pending_approval"
    post_action = f"{API}/moderation/posts/{thread.posts.first().pk}/actions"  # type: ignore[union-attr]
    assert client.post(post_action, body, content_type=JSON).status_code == 422


def test_staff_cannot_edit_someone_elses_post(client, brand, thread, moderator, brand_admin):
    reply = thread.posts.get(is_opening=False)
    for staff in (moderator, brand_admin):
        client.force_login(staff)
        response = client.patch(f"{API}/posts/{reply.pk}", {"body": "Alles super!"}, content_type=JSON)
        assert response.status_code == 403
        assert client.get(reverse("community:edit_post", args=[brand.slug, reply.pk])).status_code == 403
    reply.refresh_from_db()
    assert reply.body == CRITICISM


def test_own_account_deletion_marks_posts_deleted_not_moderated(brand, thread):
    brand.deletion_policy = brand.DeletionPolicy.REMOVE
    brand.save(update_fields=["deletion_policy"])
    opener = thread.author
    assert opener is not None
    delete_account(opener)
    opening = thread.posts.get(is_opening=True)
    assert opening.visibility == Visibility.DELETED and opening.author_id is None
    assert not ModerationDecision.objects.filter(post=opening).exists()
    thread.refresh_from_db()
    assert thread.visibility == Visibility.VISIBLE  # the other member's reply keeps it reachable
    lonely = thread_factory(brand, author=UserFactory())
    delete_account(lonely.author)  # type: ignore[arg-type]
    lonely.refresh_from_db()
    assert lonely.visibility == Visibility.DELETED


def test_an_article_with_visible_comments_stays_published(client, brand, agent, moderator, manager):
    from resonanz.blog.models import Article
    from resonanz.blog.services import comment_on_article, create_article, publish_article

    article = publish_article(
        create_article(brand, title="Neuer Fahrplan", body="Ab Montag.", by=agent), by=agent
    )
    comment = labelled(comment_on_article(article, body=CRITICISM, by=UserFactory()), PROTECTED)
    client.force_login(agent)
    refused = client.post(reverse("blog:unpublish", args=[brand.slug, article.slug]))
    assert refused.status_code == 403
    article.refresh_from_db()
    assert article.status == Article.Status.PUBLISHED
    services.set_deletion_freeze(brand, on=True, reason="Shitstorm nach dem Rückruf.", by=manager)
    assert client.post(reverse("blog:unpublish", args=[brand.slug, article.slug])).status_code == 403
    services.set_deletion_freeze(brand, on=False, reason="", by=manager)
    labelled(comment, UNPROTECTED)
    services.hide_post(comment, by=moderator, rules=[rule(brand)], explanation="Beleidigung anderer.")
    client.post(reverse("blog:unpublish", args=[brand.slug, article.slug]))
    article.refresh_from_db()
    assert article.status == Article.Status.DRAFT


def test_reply_author_of_a_hidden_thread_reads_the_statement_and_appeals(
    client, brand, moderator, mailoutbox, django_capture_on_commit_callbacks
):
    created = thread_factory(brand, title="Pöbelei", body="Ihr seid alle Idioten.")
    labelled(created.posts.get(), UNPROTECTED)
    reply = labelled(post_factory(created, body="Auch ich bin sauer."), UNPROTECTED)
    with django_capture_on_commit_callbacks(execute=True):
        services.act_on_thread(created, action="remove", by=moderator, rules=[rule(brand)],
                               explanation="Das ganze Thema ist eine Beleidigung.")  # fmt: skip
    assert reply.author is not None and reply.author.email in {m.to[0] for m in mailoutbox}
    decision = ModerationDecision.objects.get(post=reply)
    client.force_login(reply.author)
    page = client.get(reverse("moderation_public:statement", args=[brand.slug, decision.puid]))
    assert page.status_code == 200 and page.context["can_appeal"]
    assert f"#{created.pk}" in page.content.decode()
    appeal_url = reverse("moderation_public:appeal", args=[brand.slug, decision.puid])
    client.post(appeal_url, {"text": "Ich habe nur sachlich geantwortet."})
    assert decision.appeal.text == "Ich habe nur sachlich geantwortet."  # type: ignore[attr-defined]


def test_an_author_deleted_post_cannot_be_restored(brand, thread, moderator):
    from resonanz.core.errors import InvalidInput

    opener = thread.author
    brand.deletion_policy = brand.DeletionPolicy.REMOVE
    brand.save(update_fields=["deletion_policy"])
    delete_account(opener)  # type: ignore[arg-type]
    with pytest.raises(InvalidInput):
        services.restore_post(thread.posts.get(is_opening=True), by=moderator, rules=[rule(brand)],
                              explanation="Versehentlich gelöscht.")  # fmt: skip
