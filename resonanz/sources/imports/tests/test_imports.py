"""File imports: each format from fixtures, re-import without duplicates, bad files refused whole."""

from __future__ import annotations

import zipfile
from datetime import UTC, datetime
from pathlib import Path

import pytest

from resonanz.cli import main
from resonanz.inbox.importing import import_file
from resonanz.inbox.models import Conversation, InboundItem, Message
from resonanz.inbox.pipeline import ingest_now
from resonanz.inbox.tests.factories import channel_factory
from resonanz.sources.imports.base import ImportFormatError
from resonanz.sources.imports.csv_format import parse_mapping
from resonanz.sources.imports.facebook import repair_mojibake
from resonanz.sources.incoming import make_post
from resonanz.sources.models import Channel

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
pytestmark = pytest.mark.django_db
CSV_MAP = parse_mapping("id=Id,text=Message,author=User,created_at=Date,thread=Thread")


def test_csv_with_mapping_imports_and_reports_rejected_lines(brand):
    channel = channel_factory(brand)
    summary = import_file(channel, FIXTURES / "generic.csv", mapping=CSV_MAP)
    assert (summary.read, summary.new, summary.duplicates) == (5, 3, 0)
    assert summary.rejected == [
        ("generic.csv: line 4", "empty text"),
        (
            "generic.csv: line 5",
            "unreadable date 'morgen': expected ISO 8601 (2025-12-31T14:05), "
            "a German date (31.12.2025 14:05) or Unix seconds",
        ),
    ]
    assert Message.objects.count() == 3
    assert Conversation.objects.get(thread_key="t1").message_count == 2


def test_reimport_adds_nothing(brand):
    channel = channel_factory(brand)
    import_file(channel, FIXTURES / "generic.csv", mapping=CSV_MAP)
    again = import_file(channel, FIXTURES / "generic.csv", mapping=CSV_MAP)
    assert (again.new, again.duplicates) == (0, 3)
    assert Message.objects.count() == 3


def test_facebook_export_repairs_mojibake(brand):
    channel = channel_factory(brand)
    summary = import_file(channel, FIXTURES / "comments.json")
    assert summary.new == 2
    assert [where for where, _ in summary.rejected] == [
        "comments.json: comments_v2[2]",
        "comments.json: comments_v2[3]",
    ]
    message = Message.objects.get(author_handle="Jürgen Müller")
    assert message.text == "Die Verspätung heute war ärgerlich, bitte bessern!"
    assert repair_mojibake("schön") == "schön"  # proper text stays as it is


X_DATA = FIXTURES / "x-archive" / "data"


def test_facebook_attachment_only_comments_are_kept_and_page_posts_are_history(brand):
    channel = channel_factory(brand)
    summary = import_file(channel, FIXTURES / "posts_with_photos.json")
    assert (summary.new, summary.rejected) == (2, [])
    photo = Message.objects.get(author_handle="Kai Richter")
    assert photo.text == "[Bild] your_facebook_activity/comments_and_reactions/media/Kai_4711.jpg"
    linked = Message.objects.get(author_handle="Mia Wolf")
    assert linked.text == "Schaut mal: Überfüllt wie immer\nhttps://www.example-news.de/elbtal-ueberfuellt"
    own = import_file(channel, FIXTURES / "page_posts.json")
    assert (own.new, own.rejected) == (1, [])  # read, staged, but no conversation of its own
    assert Conversation.objects.count() == 2


def test_x_tweets_are_the_brands_answers_and_broadcasts_are_skipped(brand):
    channel = channel_factory(brand)
    summary = import_file(channel, X_DATA / "tweets.js")
    assert summary.new == 1
    assert summary.rejected == [
        ("tweets.js: line 53", "not a reply: the account's own post, no dialogue"),
        ("tweets.js: line 86", "unreadable created_at 'kein Datum'"),
    ]
    # The customer's tweet is not in the archive: the brand's answer alone opens no conversation.
    assert not Message.objects.exists() and not Conversation.objects.exists()
    assert "no conversation with a customer message" in InboundItem.objects.get().error


def test_x_answers_fill_the_conversation_of_a_known_customer_tweet(brand):
    channel = channel_factory(brand)
    customer = make_post(
        external_id="tweet:1853000000000000010",
        text="@ElbtalBahn Wo bleibt der RE 50?",
        author_handle="jana_dd",
        created_at=datetime(2026, 11, 2, 8, 0, tzinfo=UTC),
    )
    ingest_now(channel, customer)
    import_file(channel, X_DATA / "tweets.js")
    message = Message.objects.get(direction="out")
    assert message.author_handle == "ElbtalBahn"  # from account.js
    assert message.in_reply_to == "tweet:1853000000000000010"
    assert message.url == "https://x.com/ElbtalBahn/status/1853000000000000011"
    conversation = Conversation.objects.get()
    assert (conversation.message_count, conversation.status) == (2, "answered")


X_REAL = FIXTURES / "x-archive-real" / "data"


def test_x_entities_are_unescaped_and_tco_links_expanded(brand):
    from resonanz.sources.imports.x_archive import parse

    tweets = parse(X_REAL / "tweets.js").posts
    assert tweets[0].text == (
        "@jana_dd Erstattung & Entschädigung: Verspätung > 60 Min. = 25 %. Formular hier: "
        "https://www.elbtal-bahn.example/fahrgastrechte?utm_source=x ^AK"
    )
    assert tweets[1].text == (
        "@ben_pirna So sieht der neue Fahrplan aus:\n[Bild] https://pbs.twimg.com/media/GbCdEfGhIjK.jpg"
    )
    assert all(post.from_brand and post.extra["history"] == "1" for post in tweets)
    dms = parse(X_REAL / "direct-messages.js")
    assert [post.text for post in dms.posts] == [
        "Ticket & Quittung: https://www.elbtal-bahn.example/ticket/4711 \u2013 bitte <dringend> prüfen"
    ]
    assert dms.rejected == [
        ("direct-messages.js: line 28", "only the account's own messages: no customer in this conversation")
    ]


def test_x_direct_messages_are_whole_conversations(brand):
    channel = channel_factory(brand)
    summary = import_file(channel, X_DATA / "direct-messages.js")
    assert (summary.new, summary.rejected) == (4, [])  # the photo-only message is kept (placeholder)
    photo = Message.objects.get(external_id="dm:1853100000000000011")
    assert photo.text == "[Bild] https://ton.twitter.com/dm/1853100000000000011/foto.jpg"
    refund = Conversation.objects.get(thread_key="dm:1480000000000000001-1500000000000000077")
    assert refund.message_count == 2 and refund.status == "answered"
    assert refund.first_response_at is not None
    toilet = Conversation.objects.get(thread_key="dm:1480000000000000001-1500000000000000099")
    assert toilet.status == "new" and toilet.customer_handle == "1500000000000000099"


def test_x_archive_zip_as_downloaded(brand, tmp_path):
    archive = tmp_path / "twitter-2026-11-05-0a1b2c.zip"
    with zipfile.ZipFile(archive, "w") as handle:
        for path in X_DATA.iterdir():
            handle.write(path, f"data/{path.name}")
        handle.writestr("Your archive.html", "<html></html>")
    channel = channel_factory(brand)
    summary = import_file(channel, archive)
    assert (summary.read, summary.new) == (7, 5)
    assert Conversation.objects.count() == 2  # the two DM conversations; the lone answer opens none
    assert import_file(channel, archive).new == 0


def test_x_dms_without_account_name_the_problem(brand, tmp_path):
    lone = tmp_path / "direct-messages.js"
    text = (X_DATA / "direct-messages.js").read_text()
    # one conversation only: the owner's id cannot be inferred from what the conversations share
    lone.write_text(text[: text.index('  {\n    "dmConversation"', 200)].rstrip().rstrip(",") + "\n]\n")
    with pytest.raises(ImportFormatError, match="cannot tell which account is yours"):
        import_file(channel_factory(brand), lone)
    assert not InboundItem.objects.exists()


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("broken.json", "broken.json: line 1, column 46: broken JSON"),
        ("latin1.csv", "latin1.csv: line 2, column 1: not valid utf-8"),
    ],
)
def test_malformed_files_are_refused_as_a_whole(brand, name, expected):
    channel = channel_factory(brand)
    with pytest.raises(ImportFormatError) as error:
        import_file(channel, FIXTURES / name)
    assert str(error.value).startswith(expected)
    assert not InboundItem.objects.exists()


def test_wrong_encoding_can_be_named(brand):
    summary = import_file(channel_factory(brand), FIXTURES / "latin1.csv", encoding="cp1252")
    assert Message.objects.get().text == "Ärger über die Bahn"
    assert summary.new == 1


def test_cli_import_dry_run_and_exit_codes(brand, capsys, settings):
    code = main(
        [
            "import",
            str(FIXTURES / "generic.csv"),
            "--brand",
            brand.slug,
            "--channel",
            "Export",
            "--map",
            "id=Id,text=Message,author=User,created_at=Date,thread=Thread",
            "--dry-run",
        ]
    )
    out = capsys.readouterr()
    assert code == 0
    assert "dry run: would import: read 5, new 3, duplicates 0, rejected 2" in out.out
    assert "generic.csv: line 4: empty text" in out.err
    assert not InboundItem.objects.exists()
    assert not Channel.objects.filter(name="Export").exists()  # a dry run stores nothing, not even that
    assert main(["import", str(FIXTURES / "broken.json"), "--brand", brand.slug]) == 1
    assert "nothing was stored" in capsys.readouterr().err


def test_csv_quoted_fields_with_delimiters_quotes_and_newlines(brand, tmp_path):
    export = tmp_path / "export.csv"
    export.write_text(
        "id,text,author\n"
        'q1,"Er sagte ""pünktlich"", aber, naja",anna\n'
        'q2,"Zeile eins\nZeile zwei; mit Semikolon",bernd\n',
        encoding="utf-8",
    )
    summary = import_file(channel_factory(brand), export)
    assert (summary.new, summary.rejected) == (2, [])
    assert Message.objects.get(external_id="q1").text == 'Er sagte "pünktlich", aber, naja'
    assert Message.objects.get(external_id="q2").text == "Zeile eins\nZeile zwei; mit Semikolon"


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("deep.json", "[" * 100_000 + "]" * 100_000),
        ("tweets.js", "window.YTD.tweets.part0 = [" + '{"a":' * 100_000 + "1" + "}" * 100_000 + "]"),
    ],
)
def test_cli_import_of_deeply_nested_json_names_the_problem(brand, capsys, tmp_path, name, content):
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    fmt = "facebook" if name.endswith(".json") else "x-archive"
    assert main(["import", str(path), "--brand", brand.slug, "--format", fmt]) == 1
    err = capsys.readouterr().err
    assert "JSON nested deeper than 200 levels" in err and "nothing was stored" in err
    assert "Traceback" not in err and not InboundItem.objects.exists()
