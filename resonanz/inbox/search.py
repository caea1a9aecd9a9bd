"""Full-text search over a brand's messages: SQLite FTS5 by default, PostgreSQL in scale mode.

Returns conversation ids, so the inbox list can combine search with its other filters in one query.
The FTS5 table and triggers come from migration 0002, PostgreSQL's stored tsvector column with its GIN
index from 0006 (the column is not a model field: the database fills it).
"""

from __future__ import annotations

from django.db import connection

from resonanz.accounts.models import Brand
from resonanz.community.search import search_terms

MAX_HITS = 1001  # the list counts up to 1,000 ("more than 1,000" beyond) and shows the newest


def conversation_ids_matching(brand: Brand, query: str) -> list[int]:
    """Conversations of ``brand`` with a message containing every word of ``query`` (prefix match).

    The newest matching messages first, up to ``MAX_HITS``: for a common word the list then shows the
    recent conversations, not whichever matched first in the index.
    """
    terms = search_terms(query)
    if not terms:
        return []
    if connection.vendor == "postgresql":
        sql = (
            "SELECT m.conversation_id FROM inbox_message m JOIN inbox_conversation c "
            "ON c.id = m.conversation_id WHERE m.search_vector @@ to_tsquery('german', %s) "
            "AND c.brand_id = %s ORDER BY m.id DESC LIMIT %s"
        )
        params: list[str | int] = [" & ".join(f"{term}:*" for term in terms), brand.pk, MAX_HITS]
    else:
        # Each term quoted (no FTS syntax from users) and prefix-matched.
        sql = (
            "SELECT m.conversation_id FROM inbox_message_fts f "
            "JOIN inbox_message m ON m.id = f.rowid "
            "JOIN inbox_conversation c ON c.id = m.conversation_id "
            "WHERE inbox_message_fts MATCH %s AND c.brand_id = %s ORDER BY f.rowid DESC LIMIT %s"
        )
        params = [" ".join(f'"{term}"*' for term in terms), brand.pk, MAX_HITS]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return list(dict.fromkeys(row[0] for row in cursor.fetchall()))
