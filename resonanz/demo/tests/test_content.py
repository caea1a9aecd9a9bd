"""The demo texts: complete, consistent, German, and covering every kind of post."""

from __future__ import annotations

import re
from collections import Counter

import pytest

from resonanz.demo.content import KINDS, demo_articles, demo_post_kinds, demo_posts, demo_threads
from resonanz.demo.people import CATEGORIES, ELBTAL, users_by_name
from resonanz.demo.textformat import parse_blocks, parse_header

GERMAN_WORDS = {
    "und", "der", "die", "das", "ist", "nicht", "ich", "ein", "eine", "mit", "auf", "zu", "den", "wir", "ihr",
    "du", "es", "auch", "danke", "für", "bei", "nach", "noch", "gibt", "hab", "dann", "schon", "wieder",
}  # fmt: skip


def test_header_splits_fields_and_options() -> None:
    header = parse_header("fahrplan | Titel mit | Strich | days=3 pinned")
    assert header.fields == ["fahrplan", "Titel mit", "Strich"]
    assert header.options == {"days": "3", "pinned": "1"}


def test_text_before_the_first_block_is_an_error() -> None:
    with pytest.raises(ValueError, match="line 2"):
        parse_blocks("# comment\nstray text\n=== a | b\n")


def test_elbtal_has_at_least_40_threads_and_150_posts() -> None:
    threads = [thread for thread in demo_threads() if thread.brand == ELBTAL]
    assert len(threads) >= 40
    assert sum(len(thread.posts) for thread in threads) >= 150


def test_every_kind_is_covered_and_abuse_stays_rare() -> None:
    kinds = Counter(kind for _text, kind in demo_post_kinds())
    assert set(kinds) == set(KINDS)
    assert 5 <= kinds["abuse"] <= 8
    assert kinds["criticism"] >= 10


def test_every_author_and_reporter_is_a_demo_user_of_that_brand() -> None:
    users = users_by_name()
    for thread in demo_threads():
        for post in thread.posts:
            for name in filter(None, (post.author, post.reported_by)):
                assert thread.brand in dict(users[name].roles), (name, thread.title)
    for article in demo_articles():
        assert article.author in users
        assert all(post.author in users for post in article.comments)


def test_thread_titles_are_unique_per_brand_and_categories_exist() -> None:
    keys = [(thread.brand, thread.title) for thread in demo_threads()]
    assert len(keys) == len(set(keys))
    categories = {(category.brand, category.slug) for category in CATEGORIES}
    assert all((thread.brand, thread.category) in categories for thread in demo_threads())


def test_threads_open_with_a_post_and_no_text_is_empty() -> None:
    assert all(thread.posts for thread in demo_threads())
    assert all(post.text.strip() for post in demo_posts())


def test_texts_use_common_german_words() -> None:
    def german(text: str) -> bool:
        return bool(GERMAN_WORDS & set(re.findall(r"\w+", text.lower())))

    texts = [text for text, _kind in demo_post_kinds()]
    assert sum(map(german, texts)) / len(texts) > 0.9


def test_a_language_detector_reads_every_text_as_german() -> None:
    lingua = pytest.importorskip("lingua")
    languages = (lingua.Language.GERMAN, lingua.Language.ENGLISH, lingua.Language.ITALIAN)
    detector = lingua.LanguageDetectorBuilder.from_languages(*languages).build()
    texts = [text for text, _kind in demo_post_kinds()] + [article.body for article in demo_articles()]
    assert [text for text in texts if detector.detect_language_of(text) != lingua.Language.GERMAN] == []


def test_reports_point_at_abusive_posts_only() -> None:
    reported = [post for post in demo_posts() if post.reported_by]
    assert 2 <= len(reported) <= 3
    assert all(post.kind == "abuse" and post.reported_by != post.author for post in reported)


def test_blog_has_three_published_articles_with_comments_and_one_draft() -> None:
    published = [article for article in demo_articles() if article.published]
    drafts = [article for article in demo_articles() if not article.published]
    assert len(published) == 3
    assert all(3 <= len(article.comments) <= 8 for article in published)
    assert len(drafts) == 1
