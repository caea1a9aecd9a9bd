"""The hash chain: intact logs verify; edited, deleted, reordered or truncated entries are named."""

from __future__ import annotations

import pytest

from resonanz.cli import main
from resonanz.moderation import services
from resonanz.moderation.chain import canonical_json, entry_hash, verify_chain
from resonanz.moderation.models import GENESIS_HASH, AppendOnly, ModLogEntry
from resonanz.moderation.tests.factories import post_with_labels, rule

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


@pytest.fixture
def log(brand, rules, moderator, manager):
    """Five entries: rules, three decisions (one quoting the post), a freeze."""
    for n in range(2):
        post = post_with_labels(brand, body=f"Beleidigung Nummer {n}", abuse=0.3, abuse_confident=True)
        services.hide_post(post, by=moderator, rules=[rule(brand)], explanation="Beleidigung anderer.")
    services.restore_post(post, by=moderator, rules=[rule(brand)], explanation="Doch keine Beleidigung.")
    services.set_deletion_freeze(brand, on=True, reason="Krise", by=manager)
    return list(ModLogEntry.objects.filter(brand=brand).order_by("seq"))


def test_intact_chain_verifies(brand, log):
    report = verify_chain(brand)
    assert report.ok and report.checked == 5
    assert log[0].prev_hash == GENESIS_HASH and log[1].prev_hash == log[0].entry_hash
    assert log[2].entry_hash == entry_hash(log[1].entry_hash, canonical_json(log[2].payload))


def test_canonical_json_is_sorted_compact_utf8():
    assert canonical_json({"b": 1, "a": "Zürich"}) == '{"a":"Zürich","b":1}'


def test_edited_payload_is_caught(brand, log):
    payload = dict(log[1].payload, action="remove")
    ModLogEntry.objects.filter(pk=log[1].pk).update(payload=payload)
    report = verify_chain(brand)
    assert not report.ok and report.problem.seq == 2 and "content hash" in report.problem.message


def test_edited_payload_with_recomputed_hashes_breaks_the_next_link(brand, log):
    payload = dict(log[1].payload, action="remove")
    canonical = canonical_json(payload)
    from resonanz.moderation.chain import content_hash

    ModLogEntry.objects.filter(pk=log[1].pk).update(
        payload=payload,
        content_hash=content_hash(canonical),
        entry_hash=entry_hash(log[1].prev_hash, canonical),
    )
    report = verify_chain(brand)
    assert report.problem.seq == 3 and "prev_hash" in report.problem.message


def test_deleted_entry_is_caught(brand, log):
    ModLogEntry.objects.filter(pk=log[2].pk).delete()
    report = verify_chain(brand)
    assert report.problem.seq == 4 and "missing" in report.problem.message


def test_deleted_newest_entry_is_caught_by_the_head(brand, log):
    ModLogEntry.objects.filter(pk=log[-1].pk).delete()
    report = verify_chain(brand)
    assert not report.ok and "newest entries missing" in report.problem.message


def test_reordered_entries_are_caught(brand, log):
    ModLogEntry.objects.filter(pk=log[1].pk).update(seq=1000)
    ModLogEntry.objects.filter(pk=log[2].pk).update(seq=2)
    ModLogEntry.objects.filter(pk=log[1].pk).update(seq=3)
    report = verify_chain(brand)
    assert report.problem.seq == 2


def test_edited_excerpt_is_caught(brand, log):
    quoted = next(e for e in log if e.excerpt_state == "shown")
    ModLogEntry.objects.filter(pk=quoted.pk).update(excerpt="Etwas ganz anderes")
    report = verify_chain(brand)
    assert report.problem.seq == quoted.seq and "excerpt" in report.problem.message


def test_redaction_leaves_a_tombstone_and_a_valid_chain(brand, log, manager):
    quoted = next(e for e in log if e.excerpt_state == "shown")
    services.redact_log_excerpt(quoted, by=manager, reason="Beschluss LG Hamburg")
    quoted.refresh_from_db()
    assert quoted.excerpt == "" and quoted.excerpt_state == "redacted"
    last = ModLogEntry.objects.order_by("-seq").first()
    assert last.kind == "redaction" and last.payload["redacts"] == quoted.seq
    assert verify_chain(brand).ok


def test_log_entries_are_append_only_in_the_application(log):
    entry = log[0]
    entry.payload = {"forged": True}
    with pytest.raises(AppendOnly):
        entry.save()
    with pytest.raises(AppendOnly):
        entry.delete()


def test_brands_have_separate_chains(brand, other_brand, log):
    from resonanz.moderation.tests.factories import rules_factory

    rules_factory(other_brand)
    first = ModLogEntry.objects.get(brand=other_brand)
    assert first.seq == 1 and first.prev_hash == GENESIS_HASH
    assert verify_chain(other_brand).ok and verify_chain(brand).ok


def test_cli_verify_modlog_exit_codes(brand, log, capsys):
    assert main(["verify-modlog", "--brand", brand.slug]) == 0
    assert "5 entries, chain intact" in capsys.readouterr().out
    ModLogEntry.objects.filter(pk=log[3].pk).update(payload={**log[3].payload, "four_eyes": True})
    assert main(["verify-modlog"]) == 1
    err = capsys.readouterr().err
    assert f"{brand.slug}: BROKEN at entry seq 4" in err
    assert main(["verify-modlog", "--brand", "nope"]) == 2
