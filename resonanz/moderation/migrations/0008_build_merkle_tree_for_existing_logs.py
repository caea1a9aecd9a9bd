"""Build the Merkle tree of logs written before it existed, and sign one checkpoint of their size."""

from __future__ import annotations

from typing import Any

from django.db import migrations


def build(apps: Any, schema_editor: Any) -> None:
    import base64

    from django.utils import timezone

    from resonanz import env
    from resonanz.moderation import checkpoints, merkle
    from resonanz.moderation.chain import canonical_json, timestamp

    Entry = apps.get_model("moderation", "ModLogEntry")
    Node = apps.get_model("moderation", "LogTreeNode")
    Checkpoint = apps.get_model("moderation", "LogCheckpoint")
    Brand = apps.get_model("accounts", "Brand")
    for brand in Brand.objects.filter(pk__in=Entry.objects.values("brand_id")):
        tree, nodes = merkle.MemoryTree(), []
        for payload in Entry.objects.filter(brand=brand).order_by("seq").values_list("payload", flat=True):
            leaf = merkle.leaf_hash(canonical_json(payload).encode("utf-8"))
            nodes += [Node(brand=brand, level=lv, index=ix, hash=h.hex()) for lv, ix, h in tree.append(leaf)]
        Node.objects.bulk_create(nodes, batch_size=1000)
        now = timezone.now().replace(microsecond=0)
        signed = checkpoints.sign(f"{env.log_name()}/{brand.slug}", tree.size, tree.root(), timestamp(now))
        Checkpoint.objects.create(
            brand=brand, origin=signed.origin, tree_size=tree.size, root_hash=tree.root().hex(),
            created_at=now, key_id=signed.key_id, signature=base64.b64encode(signed.signature).decode(),
        )  # fmt: skip


class Migration(migrations.Migration):
    dependencies = [("moderation", "0007_merkle_tree_and_checkpoints")]

    operations = [migrations.RunPython(build, migrations.RunPython.noop)]
