"""Full-text search over a brand's visible posts: SQLite FTS5 by default, PostgreSQL in scale mode.

One function, ``search_posts``, hides which engine answers. The FTS5 table and its triggers (and the
PostgreSQL GIN index) are created by migration 0002 for the database in use.
"""

from __future__ import annotations

import re

from django.db import connection

from resonanz.accounts.models import Brand
from resonanz.community.models import Post, Visibility

WORD_RE = re.compile(r"\w+", re.UNICODE)
MAX_TERMS = 12


def search_terms(query: str) -> list[str]:
    return WORD_RE.findall(query.lower())[:MAX_TERMS]


def _sqlite_ids(brand: Brand, terms: list[str], limit: int, offset: int) -> list[int]:
    # Each term quoted (no FTS syntax from users) and prefix-matched, so "Verspät" finds "Verspätung".
    match = " ".join(f'"{term}"*' for term in terms)
    sql = (
        "SELECT p.id FROM community_post_fts f JOIN community_post p ON p.id = f.rowid "
        "WHERE community_post_fts MATCH %s AND p.brand_id = %s AND p.visibility = %s "
        "ORDER BY f.rank LIMIT %s OFFSET %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [match, brand.pk, Visibility.VISIBLE, limit, offset])
        return [row[0] for row in cursor.fetchall()]


def _postgres_ids(brand: Brand, terms: list[str], limit: int, offset: int) -> list[int]:
    tsquery = " & ".join(f"{term}:*" for term in terms)
    sql = (
        "SELECT p.id FROM community_post p "
        "WHERE to_tsvector('german', p.body) @@ to_tsquery('german', %s) "
        "AND p.brand_id = %s AND p.visibility = %s "
        "ORDER BY ts_rank(to_tsvector('german', p.body), to_tsquery('german', %s)) DESC, p.id DESC "
        "LIMIT %s OFFSET %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [tsquery, brand.pk, Visibility.VISIBLE, tsquery, limit, offset])
        return [row[0] for row in cursor.fetchall()]


def search_posts(brand: Brand, query: str, *, limit: int = 20, offset: int = 0) -> list[Post]:
    """Visible posts of ``brand`` matching every word of ``query``, best first."""
    terms = search_terms(query)
    if not terms:
        return []
    finder = _postgres_ids if connection.vendor == "postgresql" else _sqlite_ids
    ids = finder(brand, terms, limit, offset)
    # thread__article (reverse one-to-one) lets result links point at a blog article without extra queries.
    posts = Post.objects.filter(pk__in=ids).select_related(
        "thread", "thread__category", "thread__article", "author"
    )
    by_id = {post.pk: post for post in posts}
    return [by_id[pk] for pk in ids if pk in by_id]
