"""A member of brand A can neither see nor change brand B's non-public data."""

from __future__ import annotations

import pytest

from resonanz.accounts.models import Role
from resonanz.accounts.tests.factories import member_factory
from resonanz.blog import selectors as blog_selectors
from resonanz.blog.services import create_article, publish_article
from resonanz.community import selectors
from resonanz.community.models import Post, Visibility
from resonanz.community.services import create_category, edit_post
from resonanz.community.tests.factories import thread_factory
from resonanz.core.errors import NotAllowed, NotFound

pytestmark = pytest.mark.django_db


@pytest.fixture
def b_setup(other_brand):
    b_manager = member_factory(other_brand, Role.MANAGER, username="gino")
    draft = create_article(
        other_brand, title="Geheimer Entwurf", body="Noch nicht veröffentlicht", by=b_manager
    )
    thread = thread_factory(other_brand, title="Eis", body="Lecker")
    hidden = thread_factory(other_brand, title="Versteckt", body="ausgeblendet").posts.get()
    Post.objects.filter(pk=hidden.pk).update(visibility=Visibility.HIDDEN)
    return {"manager": b_manager, "draft": draft, "thread": thread, "hidden": hidden}


def test_staff_of_a_cannot_read_non_public_data_of_b(brand, other_brand, manager, moderator, b_setup):
    assert (
        not blog_selectors.list_articles(other_brand, viewer=manager).filter(pk=b_setup["draft"].pk).exists()
    )
    with pytest.raises(NotFound):
        blog_selectors.get_article(other_brand, b_setup["draft"].slug, viewer=manager)
    with pytest.raises(NotFound):
        selectors.get_post(other_brand, b_setup["hidden"].pk, viewer=moderator)


def test_objects_of_b_are_not_found_under_a(brand, member, b_setup):
    with pytest.raises(NotFound):
        selectors.get_thread(brand, b_setup["thread"].pk, viewer=member)
    assert not selectors.list_threads(brand, viewer=member).filter(pk=b_setup["thread"].pk).exists()


def test_staff_of_a_cannot_change_b(brand, other_brand, manager, b_setup):
    with pytest.raises(NotAllowed):
        create_category(other_brand, name="Fremd", slug="fremd", by=manager)
    with pytest.raises(NotAllowed):
        publish_article(b_setup["draft"], by=manager)
    with pytest.raises(NotAllowed):
        edit_post(b_setup["thread"].posts.get(), body="übernommen", by=manager)


def test_team_of_b_sees_own_drafts(other_brand, b_setup):
    assert blog_selectors.get_article(other_brand, b_setup["draft"].slug, viewer=b_setup["manager"])
