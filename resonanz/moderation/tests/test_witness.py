"""``resonanz witness`` against a live installation: it saves checkpoints, accepts honest growth, and
detects a fork (two signed roots for one size) and a rewritten history (no valid consistency proof)."""

from __future__ import annotations

from pathlib import Path

import pytest

from resonanz.accounts.models import Brand
from resonanz.cli import main
from resonanz.moderation import logtree, services
from resonanz.moderation.models import LogCheckpoint, LogTreeNode, ModLogEntry
from resonanz.moderation.tests.factories import post_with_labels, rule

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("english")]


def hide_one(brand: Brand, moderator, n: int) -> None:
    post = post_with_labels(brand, body=f"Beleidigung {n}", abuse=0.3, abuse_confident=True)
    services.hide_post(post, by=moderator, rules=[rule(brand)], explanation="Beleidigung anderer.")


@pytest.fixture
def url(live_server, brand, rules, moderator) -> str:
    for n in range(3):
        hide_one(brand, moderator, n)
    return f"{live_server.url}/b/{brand.slug}/moderation/log/checkpoint"


def rewrite_and_resign(brand: Brand, *, keep_size: int | None = None) -> None:
    """An operator who holds the key rewrites entry 2 and signs a new history of checkpoints."""
    from resonanz.moderation.chain import canonical_json, content_hash, entry_hash
    from resonanz.moderation.models import GENESIS_HASH

    second = ModLogEntry.objects.get(brand=brand, seq=2)
    ModLogEntry.objects.filter(pk=second.pk).update(payload={**second.payload, "four_eyes": True})
    LogTreeNode.objects.filter(brand=brand).delete()
    LogCheckpoint.objects.filter(brand=brand).delete()
    prev, entries = GENESIS_HASH, list(ModLogEntry.objects.filter(brand=brand).order_by("seq"))
    if keep_size is not None:
        ModLogEntry.objects.filter(brand=brand, seq__gt=keep_size).delete()
        entries = entries[:keep_size]
    for index, entry in enumerate(entries):
        canonical = canonical_json(entry.payload)
        new = entry_hash(prev, canonical)
        ModLogEntry.objects.filter(pk=entry.pk).update(
            content_hash=content_hash(canonical), prev_hash=prev, entry_hash=new
        )
        logtree.append_leaf(brand, index, logtree.leaf_of_payload(entry.payload), at=entry.created_at)
        prev = new


def test_witness_saves_then_accepts_an_honest_extension(url, brand, moderator, tmp_path, capsys):
    assert main(["witness", url, "--state", str(tmp_path)]) == 0
    assert "size 4, signature ok, first checkpoint saved" in capsys.readouterr().out
    hide_one(brand, moderator, 9)
    assert main(["witness", url, "--state", str(tmp_path)]) == 0
    assert "size 5, signature ok, consistent with size 4" in capsys.readouterr().out
    saved = sorted(p.name for p in next(tmp_path.iterdir()).iterdir())
    assert saved == ["4.checkpoint", "5.checkpoint", "key", "latest"]


def test_witness_detects_a_rewritten_history(url, brand, moderator, tmp_path, capsys):
    assert main(["witness", url, "--state", str(tmp_path)]) == 0
    rewrite_and_resign(brand)
    hide_one(brand, moderator, 9)  # the log grows on top of the rewritten history
    assert main(["witness", url, "--state", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert "FORK" in err and "does not extend the one of size 4" in err


def test_witness_detects_two_checkpoints_for_the_same_size(url, brand, tmp_path, capsys):
    assert main(["witness", url, "--state", str(tmp_path)]) == 0
    rewrite_and_resign(brand)
    assert main(["witness", url, "--state", str(tmp_path)]) == 1
    assert "FORK: two different signed roots for size 4" in capsys.readouterr().err


def test_witness_detects_a_rollback(url, brand, tmp_path, capsys):
    assert main(["witness", url, "--state", str(tmp_path)]) == 0
    rewrite_and_resign(brand, keep_size=3)
    assert main(["witness", url, "--state", str(tmp_path)]) == 1
    assert "ROLLED BACK: size 3 now, but size 4 was signed before" in capsys.readouterr().err


def test_witness_refuses_a_changed_key(url, brand, tmp_path, capsys, monkeypatch):
    from resonanz.moderation import checkpoints

    assert main(["witness", url, "--state", str(tmp_path)]) == 0
    monkeypatch.setenv("RESONANZ_LOG_SIGNING_KEY", "b3RoZXIta2V5LW90aGVyLWtleS1vdGhlci1rZXktISE=")
    checkpoints.reset_key_cache()
    try:
        assert main(["witness", url, "--state", str(tmp_path)]) == 1
        assert "the log's key changed" in capsys.readouterr().err
    finally:
        checkpoints.reset_key_cache()


def test_witness_reports_offline_and_bad_responses_clearly(live_server, brand, tmp_path, capsys):
    import socket

    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    offline = f"http://127.0.0.1:{port}/b/x/moderation/log/checkpoint"
    empty = f"{live_server.url}/b/{brand.slug}/moderation/log/checkpoint"
    page = f"{live_server.url}/b/{brand.slug}/moderation/log/"
    assert (
        main(["witness", offline, empty, page, "ftp://example.org/checkpoint", "--state", str(tmp_path)]) == 1
    )
    err = capsys.readouterr().err
    assert f"{offline[: -len('checkpoint')]}key: cannot reach the log" in err
    assert f"{empty}: HTTP 404" in err and "the log is empty" in err
    assert f"{page}: expected the log's checkpoint URL" in err
    assert "only http and https URLs can be watched" in err
    assert not any(Path(tmp_path).iterdir())


def test_verify_modlog_reads_the_checkpoint_from_a_url(url, brand, capsys):
    assert main(["verify-modlog", "--checkpoint", url]) == 0
    assert f"{brand.slug}: 4 entries" in capsys.readouterr().out
