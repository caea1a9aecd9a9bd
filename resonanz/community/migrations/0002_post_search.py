"""Full-text search: an FTS5 table kept in sync by triggers (SQLite) or a GIN index (PostgreSQL)."""

from django.db import migrations

SQLITE_UP = [
    "CREATE VIRTUAL TABLE community_post_fts USING fts5("
    "body, content='community_post', content_rowid='id', tokenize='unicode61 remove_diacritics 2')",
    "CREATE TRIGGER community_post_fts_ai AFTER INSERT ON community_post BEGIN "
    "INSERT INTO community_post_fts(rowid, body) VALUES (new.id, new.body); END",
    "CREATE TRIGGER community_post_fts_ad AFTER DELETE ON community_post BEGIN "
    "INSERT INTO community_post_fts(community_post_fts, rowid, body) VALUES ('delete', old.id, old.body); END",
    "CREATE TRIGGER community_post_fts_au AFTER UPDATE OF body ON community_post BEGIN "
    "INSERT INTO community_post_fts(community_post_fts, rowid, body) VALUES ('delete', old.id, old.body); "
    "INSERT INTO community_post_fts(rowid, body) VALUES (new.id, new.body); END",
    "INSERT INTO community_post_fts(community_post_fts) VALUES ('rebuild')",
]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS community_post_fts_au",
    "DROP TRIGGER IF EXISTS community_post_fts_ad",
    "DROP TRIGGER IF EXISTS community_post_fts_ai",
    "DROP TABLE IF EXISTS community_post_fts",
]
POSTGRES_UP = ["CREATE INDEX community_post_body_fts ON community_post USING GIN (to_tsvector('german', body))"]
POSTGRES_DOWN = ["DROP INDEX IF EXISTS community_post_body_fts"]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("community", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE_UP, "postgresql": POSTGRES_UP}),
            _run({"sqlite": SQLITE_DOWN, "postgresql": POSTGRES_DOWN}),
        )
    ]
