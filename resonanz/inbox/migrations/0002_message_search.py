"""Full-text search over messages: an FTS5 table kept in sync by triggers (SQLite) or a GIN index (PostgreSQL)."""

from django.db import migrations

SQLITE_UP = [
    "CREATE VIRTUAL TABLE inbox_message_fts USING fts5("
    "text, content='inbox_message', content_rowid='id', tokenize='unicode61 remove_diacritics 2')",
    "CREATE TRIGGER inbox_message_fts_ai AFTER INSERT ON inbox_message BEGIN "
    "INSERT INTO inbox_message_fts(rowid, text) VALUES (new.id, new.text); END",
    "CREATE TRIGGER inbox_message_fts_ad AFTER DELETE ON inbox_message BEGIN "
    "INSERT INTO inbox_message_fts(inbox_message_fts, rowid, text) VALUES ('delete', old.id, old.text); END",
    "CREATE TRIGGER inbox_message_fts_au AFTER UPDATE OF text ON inbox_message BEGIN "
    "INSERT INTO inbox_message_fts(inbox_message_fts, rowid, text) VALUES ('delete', old.id, old.text); "
    "INSERT INTO inbox_message_fts(rowid, text) VALUES (new.id, new.text); END",
    "INSERT INTO inbox_message_fts(inbox_message_fts) VALUES ('rebuild')",
]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS inbox_message_fts_au",
    "DROP TRIGGER IF EXISTS inbox_message_fts_ad",
    "DROP TRIGGER IF EXISTS inbox_message_fts_ai",
    "DROP TABLE IF EXISTS inbox_message_fts",
]
POSTGRES_UP = ["CREATE INDEX inbox_message_text_fts ON inbox_message USING GIN (to_tsvector('german', text))"]
POSTGRES_DOWN = ["DROP INDEX IF EXISTS inbox_message_text_fts"]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("inbox", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE_UP, "postgresql": POSTGRES_UP}),
            _run({"sqlite": SQLITE_DOWN, "postgresql": POSTGRES_DOWN}),
        )
    ]
