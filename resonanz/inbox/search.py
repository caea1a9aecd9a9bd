"""Full-text search over a brand's messages: SQLite FTS5 by default, PostgreSQL in scale mode.

Returns conversation ids, so the inbox list can combine search with its other filters in one query.
The FTS5 table and triggers come from migration 0002, PostgreSQL's stored tsvector column with its GIN
index from 0006 (the column is not a model field: the database fills it).
"""

from __future__ import annotations

from django.db import connection

from resonanz.accounts.models import Brand
from resonanz.community.search import search_terms
from resonanz.inbox.paging import COUNT_CAP
from resonanz.sources.models import Channel

MAX_HITS = COUNT_CAP + 1  # the list counts no further ("more than …") and shows the newest


def conversation_ids_matching(brand: Brand, query: str) -> list[int]:
    """Conversations of ``brand`` with a message containing every word of ``query`` (prefix match).

    The newest matching messages first, up to ``MAX_HITS``: for a common word the list then shows the
    recent conversations, not whichever matched first in the index.
    """
    terms = search_terms(query)
    if not terms:
        return []
    # By the brand's channels (a handful of ids) rather than a join to every message's conversation.
    channels = list(Channel.objects.filter(brand=brand).values_list("pk", flat=True))
    if not channels:
        return []
    marks = ", ".join(["%s"] * len(channels))
    if connection.vendor == "postgresql":
        sql = (
            "SELECT m.conversation_id FROM inbox_message m "  # noqa: S608 (placeholders only)
            f"WHERE m.search_vector @@ to_tsquery('german', %s) AND m.channel_id IN ({marks}) "
            "ORDER BY m.id DESC LIMIT %s"
        )
        match = " & ".join(f"{term}:*" for term in terms)
    else:
        # Each term quoted (no FTS syntax from users) and prefix-matched.
        sql = (
            "SELECT m.conversation_id FROM inbox_message_fts f "  # noqa: S608 (placeholders only)
            "JOIN inbox_message m ON m.id = f.rowid "
            f"WHERE inbox_message_fts MATCH %s AND m.channel_id IN ({marks}) ORDER BY f.rowid DESC LIMIT %s"
        )
        match = " ".join(f'"{term}"*' for term in terms)
    params: list[str | int] = [match, *channels, MAX_HITS]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return list(dict.fromkeys(row[0] for row in cursor.fetchall()))
