"""PostgreSQL: search a stored tsvector column instead of an expression index.

With the expression index, a search for a common word walked the newest messages computing
to_tsvector() for each (200 ms at 300,000 messages); the stored column is computed once, on insert.
SQLite keeps its FTS5 table (migration 0002).
"""

from django.db import migrations

UP = [
    "ALTER TABLE inbox_message ADD COLUMN search_vector tsvector "
    "GENERATED ALWAYS AS (to_tsvector('german'::regconfig, text)) STORED",
    "CREATE INDEX inbox_message_search_vector ON inbox_message USING GIN (search_vector)",
    "DROP INDEX IF EXISTS inbox_message_text_fts",
]
DOWN = [
    "CREATE INDEX inbox_message_text_fts ON inbox_message USING GIN (to_tsvector('german', text))",
    "DROP INDEX IF EXISTS inbox_message_search_vector",
    "ALTER TABLE inbox_message DROP COLUMN IF EXISTS search_vector",
]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("inbox", "0005_assignee_recent_index")]

    operations = [migrations.RunPython(_run(UP), _run(DOWN))]
