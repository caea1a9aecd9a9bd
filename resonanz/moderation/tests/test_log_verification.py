"""The verifiable log: every tampering kind is caught against a checkpoint an outsider saved before it;
proofs and signatures are checked with a separate RFC 9162 / Ed25519 verifier written here, not with the
product's own code."""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from django.test import Client

from resonanz.accounts.models import Brand
from resonanz.cli import main
from resonanz.community.models import Post, Visibility
from resonanz.community.privacy import delete_account
from resonanz.moderation import logtree, merkle, services
from resonanz.moderation.models import LogCheckpoint, LogTreeNode, ModerationDecision, ModLogEntry
from resonanz.moderation.tests.factories import post_with_labels, rule

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


# --- an independent RFC 9162 verifier (recursive, top-down; shares no code with resonanz.merkle) -------
def t_leaf(data: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + data).digest()


def t_node(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def t_split(n: int) -> int:
    k = 1
    while k * 2 < n:
        k *= 2
    return k


def t_mth(leaves: list[bytes]) -> bytes:
    if not leaves:
        return hashlib.sha256(b"").digest()
    if len(leaves) == 1:
        return leaves[0]
    k = t_split(len(leaves))
    return t_node(t_mth(leaves[:k]), t_mth(leaves[k:]))


def t_root_from_inclusion(leaf: bytes, index: int, size: int, path: list[bytes]) -> bytes:
    rest = list(path)  # PATH lists siblings leaf-upwards: the top one is last

    def walk(m: int, n: int) -> bytes:
        if n == 1:
            return leaf
        k, sibling = t_split(n), rest.pop()
        return t_node(walk(m, k), sibling) if m < k else t_node(sibling, walk(m - k, n - k))

    root = walk(index, size)
    assert not rest, "proof longer than the tree is deep"
    return root


def t_roots_from_consistency(
    first: int, second: int, proof: list[bytes], first_root: bytes
) -> tuple[bytes, bytes]:
    rest = list(proof)

    def walk(m: int, n: int, whole: bool) -> tuple[bytes, bytes]:
        if m == n:
            if whole:
                return first_root, first_root
            node = rest.pop()
            return node, node
        k = t_split(n)
        if m <= k:
            right = rest.pop()
            old, new = walk(m, k, whole)
            return old, t_node(new, right)
        left = rest.pop()
        old, new = walk(m - k, n - k, False)
        return t_node(left, old), t_node(left, new)

    roots = walk(first, second, True)
    assert not rest, "proof has unused nodes"
    return roots


def t_canonical(payload: dict[str, Any]) -> bytes:
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def t_check_note(note: str, public_key_b64: str) -> tuple[str, int, bytes]:
    """Verify a signed note with the published key: (origin, size, root)."""
    body, _, sig_line = note.partition("\n\n")
    origin, size, root_b64, _time = body.split("\n")
    raw = base64.b64decode(sig_line.strip().rsplit(" ", 1)[1])
    Ed25519PublicKey.from_public_bytes(base64.b64decode(public_key_b64)).verify(
        raw[4:], (body + "\n").encode()
    )
    return origin, int(size), base64.b64decode(root_b64)


# --- fixtures and the attacker's tools ---------------------------------------------------------------------
@pytest.fixture
def log(brand, rules, moderator, manager):
    """Five entries: rules, two hides (one later restored, quoting the post), a freeze."""
    for n in range(2):
        post = post_with_labels(brand, body=f"Beleidigung Nummer {n}", abuse=0.3, abuse_confident=True)
        services.hide_post(post, by=moderator, rules=[rule(brand)], explanation="Beleidigung anderer.")
    services.restore_post(post, by=moderator, rules=[rule(brand)], explanation="Doch keine Beleidigung.")
    services.set_deletion_freeze(brand, on=True, reason="Krise", by=manager)
    return list(ModLogEntry.objects.filter(brand=brand).order_by("seq"))


def base(brand: Brand) -> str:
    return f"/b/{brand.slug}/moderation/log"


@pytest.fixture
def saved(brand, log, tmp_path) -> Path:
    """The checkpoint an outsider fetched and kept before anything was tampered with."""
    response = Client().get(f"{base(brand)}/checkpoint")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/plain")
    path = tmp_path / "checkpoint.txt"
    path.write_text(response.content.decode())
    return path


def rechain(brand: Brand, *, rebuild_tree: bool = True) -> None:
    """A thorough database operator: recompute every hash, move the head, rebuild the stored tree."""
    from resonanz.moderation.chain import canonical_json, content_hash, entry_hash
    from resonanz.moderation.models import GENESIS_HASH, ModerationSettings

    prev, tree = GENESIS_HASH, merkle.MemoryTree()
    LogTreeNode.objects.filter(brand=brand).delete()
    for entry in ModLogEntry.objects.filter(brand=brand).order_by("seq"):
        canonical = canonical_json(entry.payload)
        new = entry_hash(prev, canonical)
        ModLogEntry.objects.filter(pk=entry.pk).update(
            content_hash=content_hash(canonical), prev_hash=prev, entry_hash=new
        )
        for level, index, value in tree.append(merkle.leaf_hash(canonical.encode())):
            if rebuild_tree:
                LogTreeNode.objects.create(brand=brand, level=level, index=index, hash=value.hex())
        prev = new
    ModerationSettings.objects.filter(brand=brand).update(log_head_seq=tree.size, log_head_hash=prev)


def edit_payload(entry: ModLogEntry, **changes: Any) -> None:
    ModLogEntry.objects.filter(pk=entry.pk).update(payload={**entry.payload, **changes})


def verify(brand: Brand, checkpoint: Path | None, capsys: Any) -> tuple[int, str]:
    args = ["verify-modlog", "--brand", brand.slug] + (
        ["--checkpoint", str(checkpoint)] if checkpoint else []
    )
    code = main(args)
    out = capsys.readouterr()
    return code, out.out + out.err


# --- the 16 tampering kinds, each against the checkpoint saved before -----------------------------------
def t_edit_payload(brand, log):
    edit_payload(log[1], action="remove")
    return "entry seq 2"


def t_edit_and_recompute_own_hashes(brand, log):
    from resonanz.moderation.chain import canonical_json, content_hash, entry_hash

    payload = {**log[1].payload, "action": "remove"}
    canonical = canonical_json(payload)
    ModLogEntry.objects.filter(pk=log[1].pk).update(
        payload=payload,
        content_hash=content_hash(canonical),
        entry_hash=entry_hash(log[1].prev_hash, canonical),
    )
    return "entry seq 2"


def t_delete_entry(brand, log):
    ModLogEntry.objects.filter(pk=log[2].pk).delete()
    return "entry seq 3"


def t_delete_newest(brand, log):
    ModLogEntry.objects.filter(pk=log[-1].pk).delete()
    return "entry seq 5"


def t_reorder(brand, log):
    ModLogEntry.objects.filter(pk=log[1].pk).update(seq=1000)
    ModLogEntry.objects.filter(pk=log[2].pk).update(seq=2)
    ModLogEntry.objects.filter(pk=log[1].pk).update(seq=3)
    return "entry seq 2"


def t_edit_excerpt(brand, log):
    quoted = next(e for e in log if e.excerpt_state == "shown")
    ModLogEntry.objects.filter(pk=quoted.pk).update(excerpt="Etwas ganz anderes")
    return f"entry seq {quoted.seq}"


def t_edit_time(brand, log):
    from datetime import timedelta

    ModLogEntry.objects.filter(pk=log[3].pk).update(created_at=log[3].created_at - timedelta(days=3))
    return "entry seq 4"


def t_change_kind_column(brand, log):
    ModLogEntry.objects.filter(pk=log[4].pk).update(kind="rules")
    return "entry seq 5"


def t_move_head_back(brand, log):
    from resonanz.moderation.models import ModerationSettings

    ModerationSettings.objects.filter(brand=brand).update(log_head_seq=4, log_head_hash=log[3].entry_hash)
    return "but its head is seq 4"


def t_edit_and_recompute_everything(brand, log):
    edit_payload(log[1], action="remove", explanation_note="geändert")
    rechain(brand)
    return "entry seq 2"


def t_delete_and_renumber(brand, log):
    ModLogEntry.objects.filter(pk=log[2].pk).delete()
    for entry in log[3:]:
        ModLogEntry.objects.filter(pk=entry.pk).update(
            seq=entry.seq - 1, payload={**entry.payload, "seq": entry.seq - 1}
        )
    rechain(brand)
    return "entry seq 3"


def t_append_forged(brand, log):
    from resonanz.moderation.chain import canonical_json, content_hash, entry_hash

    payload = {**log[1].payload, "seq": 6, "decision": "rz-forged", "four_eyes": True}
    canonical = canonical_json(payload)
    ModLogEntry.objects.bulk_create(
        [
            ModLogEntry(
                brand=brand, seq=6, created_at=log[-1].created_at, kind="decision", payload=payload,
                content_hash=content_hash(canonical), prev_hash=log[-1].entry_hash,
                entry_hash=entry_hash(log[-1].entry_hash, canonical),
            )
        ]
    )  # fmt: skip
    rechain(brand)
    return "entry seq 6"


def t_cut_off_newest(brand, log):
    ModLogEntry.objects.filter(pk=log[-1].pk).delete()
    LogCheckpoint.objects.filter(brand=brand, tree_size=5).delete()
    rechain(brand)
    return "entry seq 5"


def t_silently_redact(brand, log):
    quoted = next(e for e in log if e.excerpt_state == "shown")
    ModLogEntry.objects.filter(pk=quoted.pk).update(excerpt="", excerpt_state="redacted")
    return f"entry {quoted.seq}: its excerpt is marked redacted but no redaction entry"


def t_hide_post_directly(brand, log):
    post = post_with_labels(brand, body="Eure Preise sind eine Frechheit.", criticism=True)
    Post.objects.filter(pk=post.pk).update(visibility=Visibility.HIDDEN)
    return f"post {post.pk}: is hidden but no log entry explains it"


def t_change_decision_status(brand, log):
    decision = ModerationDecision.objects.filter(brand=brand, status="effective", action="restore").get()
    ModerationDecision.objects.filter(pk=decision.pk).update(status="reversed")
    return f"decision {decision.puid} (id {decision.pk}): has status reversed but the log says effective"


TAMPERING: list[Callable[[Brand, list[ModLogEntry]], str]] = [
    # detected by the chain alone before the Merkle tree existed
    t_edit_payload, t_edit_and_recompute_own_hashes, t_delete_entry, t_delete_newest, t_reorder,
    t_edit_excerpt, t_edit_time, t_change_kind_column, t_move_head_back,
    # passed as "chain intact" before
    t_edit_and_recompute_everything, t_delete_and_renumber, t_append_forged, t_cut_off_newest,
    t_silently_redact, t_hide_post_directly, t_change_decision_status,
]  # fmt: skip


def test_untampered_log_verifies_against_the_saved_checkpoint(brand, saved, capsys):
    code, output = verify(brand, saved, capsys)
    assert code == 0, output
    assert "5 entries, chain intact, consistent with the signed checkpoints" in output


@pytest.mark.parametrize("tamper", TAMPERING, ids=lambda f: f.__name__[2:])
def test_each_tampering_kind_is_caught_against_a_saved_checkpoint(brand, log, saved, capsys, tamper):
    expected = tamper(brand, log)
    code, output = verify(brand, saved, capsys)
    assert code == 1, output
    assert f"{brand.slug}: BROKEN" in output
    assert expected in output, output


def test_rewritten_history_is_caught_even_when_the_published_checkpoints_are_deleted(
    brand, log, saved, capsys
):
    edit_payload(log[1], action="remove")
    rechain(brand)
    LogCheckpoint.objects.filter(brand=brand, tree_size__gte=2).delete()
    code, output = verify(brand, saved, capsys)
    assert code == 1
    assert "BROKEN at entry seq 2" in output and "covered by no signed checkpoint" in output
    assert "do not hash to the root of the checkpoint given (size 5)" in output


def test_rewritten_history_is_caught_by_the_saved_checkpoint_alone(brand, log, saved, capsys):
    """Even with every published checkpoint re-signed by someone holding the key, the outsider's
    checkpoint (signed before) does not match."""
    edit_payload(log[1], four_eyes=True)
    rechain(brand)
    LogCheckpoint.objects.filter(brand=brand).delete()
    tree, _ = logtree.memory_tree(brand)
    for size in range(1, tree.size + 1):
        logtree.publish(brand, size, tree.root(size), at=log[size - 1].created_at)
    code, output = verify(brand, saved, capsys)
    assert code == 1
    assert "not an append-only extension" in output
    assert main(["verify-modlog", "--brand", brand.slug]) == 0  # without the outsider's copy: undetectable


def test_a_checkpoint_row_edited_in_the_database_has_an_invalid_signature(brand, log, saved, capsys):
    edit_payload(log[1], action="remove")
    rechain(brand)
    tree, _ = logtree.memory_tree(brand)
    for row in LogCheckpoint.objects.filter(brand=brand):
        LogCheckpoint.objects.filter(pk=row.pk).update(root_hash=tree.root(row.tree_size).hex())
    code, output = verify(brand, saved, capsys)
    assert (
        code == 1 and "signature of the checkpoint of size" in output and "edited in the database" in output
    )


def test_a_forged_or_foreign_checkpoint_is_refused(brand, log, saved, tmp_path, capsys):
    note = saved.read_text()
    lines = note.split("\n")
    lines[1] = "3"  # claims a smaller log
    forged = tmp_path / "forged.txt"
    forged.write_text("\n".join(lines))
    code, output = verify(brand, forged, capsys)
    assert code == 1 and "signature of the checkpoint of size 3 is invalid" in output
    garbage = tmp_path / "garbage.txt"
    garbage.write_text("hello")
    assert main(["verify-modlog", "--checkpoint", str(garbage)]) == 2
    assert "cannot read the checkpoint" in capsys.readouterr().err


def test_the_checkpoint_names_its_brand_when_no_brand_is_given(brand, other_brand, saved, capsys):
    from resonanz.moderation.tests.factories import rules_factory

    rules_factory(other_brand)
    assert main(["verify-modlog", "--checkpoint", str(saved)]) == 0
    out = capsys.readouterr().out
    assert brand.slug in out and other_brand.slug not in out


def test_legitimate_moderation_after_the_checkpoint_still_verifies(
    brand, log, saved, moderator, moderator2, manager, capsys
):
    """Appends, an approved four-eyes decision, a rejected one, an appeal and a redaction are all
    explained by their entries; the log still extends the saved checkpoint."""
    from resonanz.moderation.services.appeals import decide_appeal, open_appeal

    services.set_deletion_freeze(brand, on=False, reason="vorbei", by=manager)
    critic = post_with_labels(brand, body="Der Zug ist immer zu spät.", criticism=True)
    proposal = services.hide_post(
        critic, by=moderator, rules=[rule(brand)], explanation="Beleidigend gemeint."
    )
    services.reject_decision(proposal, by=moderator2, reason="Das ist Kritik, keine Beleidigung.")
    second = services.hide_post(
        critic, by=moderator, rules=[rule(brand)], explanation="Doch eine Beleidigung."
    )
    assert ModerationDecision.objects.get(pk=second.pk).status == "pending_approval"  # no entry yet: fine
    services.approve_decision(second, by=moderator2)
    author_post = post_with_labels(brand, body="Idioten!", abuse=0.3, abuse_confident=True)
    hide = services.hide_post(
        author_post, by=moderator, rules=[rule(brand)], explanation="Beleidigung anderer."
    )
    appeal = open_appeal(hide, by=hide.subject, text="Das war nicht so gemeint, bitte prüfen.")
    decide_appeal(appeal, by=moderator2, outcome="reversed", reason="Im Zusammenhang keine Beleidigung.")
    quoted = ModLogEntry.objects.filter(brand=brand, excerpt_state="shown").first()
    services.redact_log_excerpt(quoted, by=manager, reason="Beschluss LG Hamburg")
    code, output = verify(brand, saved, capsys)
    assert code == 0, output


@pytest.mark.parametrize("policy", [Brand.DeletionPolicy.ANONYMISE, Brand.DeletionPolicy.REMOVE])
def test_gdpr_account_deletion_keeps_the_log_verifiable(brand, log, saved, capsys, policy):
    """The log holds pseudonyms and digests only: deleting a moderated author's account changes no entry,
    and their posts removed under the brand's policy are explained by the deletion marker."""
    Brand.objects.filter(pk=brand.pk).update(deletion_policy=policy)
    author = ModerationDecision.objects.filter(brand=brand, action="hide").first().subject
    other = post_with_labels(brand, body="Ein normaler Beitrag", author=author)
    before = list(ModLogEntry.objects.filter(brand=brand).values_list("entry_hash", flat=True))
    delete_account(author)
    expected = Visibility.DELETED if policy == Brand.DeletionPolicy.REMOVE else Visibility.VISIBLE
    assert Post.objects.get(pk=other.pk).visibility == expected
    assert list(ModLogEntry.objects.filter(brand=brand).values_list("entry_hash", flat=True)) == before
    code, output = verify(brand, saved, capsys)
    assert code == 0, output


# --- proofs and signatures, checked by the independent verifier above -----------------------------------
def _leaves(client: Client, brand: Brand, size: int) -> list[bytes]:
    leaves = []
    for seq in range(1, size + 1):
        data = client.get(f"{base(brand)}/entries/{seq}.json").json()
        leaf = t_leaf(t_canonical(data["payload"]))
        assert data["leaf_hash"] == leaf.hex()
        leaves.append(leaf)
    return leaves


@pytest.fixture
def longer_log(brand, rules, moderator):
    """Eleven entries: enough for every shape of proof (sizes not a power of two, both sides)."""
    for n in range(10):
        post = post_with_labels(brand, body=f"Beitrag {n}", abuse=0.3, abuse_confident=True)
        services.hide_post(post, by=moderator, rules=[rule(brand)], explanation="Beleidigung anderer.")
    return ModLogEntry.objects.filter(brand=brand).count()


def test_inclusion_proofs_verify_independently(brand, longer_log):
    client = Client()
    leaves = _leaves(client, brand, longer_log)
    for size in range(1, longer_log + 1):
        for seq in range(1, size + 1):
            data = client.get(f"{base(brand)}/proof/inclusion/{seq}", {"size": size}).json()
            path = [bytes.fromhex(node) for node in data["audit_path"]]
            assert data["root_hash"] == t_mth(leaves[:size]).hex()
            assert t_root_from_inclusion(leaves[seq - 1], seq - 1, size, path) == t_mth(leaves[:size])
            assert t_root_from_inclusion(t_leaf(b"forged"), seq - 1, size, path) != t_mth(leaves[:size])


def test_consistency_proofs_verify_independently(brand, longer_log):
    client = Client()
    leaves = _leaves(client, brand, longer_log)
    for second in range(1, longer_log + 1):
        for first in range(1, second + 1):
            data = client.get(f"{base(brand)}/proof/consistency", {"first": first, "second": second}).json()
            proof = [bytes.fromhex(node) for node in data["proof"]]
            old, new = t_mth(leaves[:first]), t_mth(leaves[:second])
            assert (data["first_root"], data["second_root"]) == (old.hex(), new.hex())
            if first == second:
                assert proof == []
                continue
            assert t_roots_from_consistency(first, second, proof, old) == (old, new)
            # the product's verifier agrees, and refuses a different second tree
            assert merkle.verify_consistency(first, second, old, new, proof)
            assert not merkle.verify_consistency(first, second, old, t_leaf(b"other"), proof)


def test_every_published_checkpoint_is_signed_with_the_published_key(brand, longer_log):
    client = Client()
    key = client.get(f"{base(brand)}/key.json").json()
    assert key["algorithm"] == "Ed25519" and key["origin"] == f"resonanz/{brand.slug}"
    assert client.get(f"{base(brand)}/key").content.decode().strip() == key["verifier_key"]
    leaves = _leaves(client, brand, longer_log)
    for size in (1, 5, longer_log):
        note = client.get(f"{base(brand)}/checkpoint", {"size": size}).content.decode()
        origin, signed_size, root = t_check_note(note, key["public_key"])
        assert (origin, signed_size, root) == (key["origin"], size, t_mth(leaves[:size]))
    latest = client.get(f"{base(brand)}/checkpoint.json").json()
    assert latest["tree_size"] == longer_log and latest["key_id"] == key["key_id"]
    assert t_check_note(latest["note"], key["public_key"])[1] == longer_log


def test_proof_urls_refuse_bad_parameters_clearly(brand, longer_log):
    client = Client()
    bad = client.get(f"{base(brand)}/proof/consistency", {"first": 5, "second": 99})
    assert bad.status_code == 400 and "first <= second" in bad.json()["error"]
    assert client.get(f"{base(brand)}/proof/consistency", {"first": "x"}).status_code == 400
    assert client.get(f"{base(brand)}/proof/inclusion/50").status_code == 404
    assert client.get(f"{base(brand)}/checkpoint", {"size": 999}).status_code == 404
    assert client.get("/b/unknown/moderation/log/checkpoint").status_code == 404


def test_a_damaged_stored_tree_gets_a_clear_error_not_a_wrong_proof(brand, longer_log):
    LogTreeNode.objects.filter(brand=brand, level=0, index=3).delete()  # the sibling of entry 3
    response = Client().get(f"{base(brand)}/proof/inclusion/3")
    assert response.status_code == 503 and "lacks node 0/3" in response.json()["error"]


def test_empty_log_has_no_checkpoint_yet(brand):
    response = Client().get(f"{base(brand)}/checkpoint")
    assert response.status_code == 404 and "empty" in response.json()["error"]


def test_atom_feed_carries_the_latest_checkpoint(brand, log):
    body = Client().get(f"{base(brand)}/feed.atom").content.decode()
    latest = LogCheckpoint.objects.filter(brand=brand).order_by("-tree_size").first()
    assert f"{base(brand)}/checkpoint" in body and latest.root_hash in body
    assert logtree.as_checkpoint(latest).note().split("\n")[2] in body


def test_log_page_shows_each_entry_leaf_hash(brand, log):
    body = Client().get(f"{base(brand)}/").content.decode()
    assert logtree.leaf_of(log[0]).hex() in body and f"{base(brand)}/checkpoint" in body


def test_stored_tree_answers_a_large_log_from_few_nodes(brand, log, django_assert_max_num_queries):
    """A root or proof reads only the log2(n) stored subtrees it needs, in one query."""
    with django_assert_max_num_queries(1):
        logtree.consistency_proof(brand, 3, 5)
    assert len(merkle.needed_nodes(lambda s: merkle.inclusion_proof(s, 77_777, 100_000))) <= 2 * 17


def test_signing_key_is_generated_once_with_mode_0600(tmp_path, monkeypatch):
    from resonanz import env
    from resonanz.moderation import checkpoints

    monkeypatch.delenv("RESONANZ_LOG_SIGNING_KEY")
    monkeypatch.setenv("RESONANZ_DATA_DIR", str(tmp_path))
    checkpoints.reset_key_cache()
    try:
        first = env.log_signing_key()
        assert (tmp_path / "log_signing_key").stat().st_mode & 0o777 == 0o600
        assert env.log_signing_key() == first and len(first) == 32
        monkeypatch.setenv("RESONANZ_LOG_SIGNING_KEY", "bm90IGEga2V5")
        with pytest.raises(ValueError, match="32-byte"):
            env.log_signing_key()
    finally:
        checkpoints.reset_key_cache()


def test_migration_builds_the_tree_of_a_log_written_before_it_existed(brand, log, capsys):
    import importlib

    from django.apps import apps

    migration = importlib.import_module(
        "resonanz.moderation.migrations.0008_build_merkle_tree_for_existing_logs"
    )
    roots = {row.tree_size: row.root_hash for row in LogCheckpoint.objects.filter(brand=brand)}
    LogTreeNode.objects.filter(brand=brand).delete()
    LogCheckpoint.objects.filter(brand=brand).delete()
    migration.build(apps, None)
    assert list(LogCheckpoint.objects.filter(brand=brand).values_list("tree_size", "root_hash")) == [
        (5, roots[5])
    ]
    assert main(["verify-modlog", "--brand", brand.slug]) == 0, capsys.readouterr().err


def test_state_audit_names_a_thread_hidden_directly_and_a_withdrawn_excerpt_without_cause(brand, log, capsys):
    from resonanz.community.models import Thread

    post = post_with_labels(brand, body="Kritik am Fahrplan", criticism=True)
    Thread.objects.filter(pk=post.thread_id).update(visibility=Visibility.HIDDEN)
    quoted = next(e for e in log if e.excerpt_state == "shown")
    ModLogEntry.objects.filter(pk=quoted.pk).update(excerpt="", excerpt_state="withdrawn")
    code, output = verify(brand, None, capsys)
    assert code == 1
    assert f"thread {post.thread_id}: is hidden but no log entry explains it" in output
    assert (
        f"entry {quoted.seq}: its excerpt is marked withdrawn but no later entry hid or removed the post"
        in output
    )
