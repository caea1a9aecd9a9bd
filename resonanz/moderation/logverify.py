"""``verify-modlog``: is today's log an append-only extension of what was signed and saved before?

Four independent checks, each naming the entry (or post, decision) it is about:

1. the hash chain (``chain.verify_chain``): edits, deletions, reordering that did not recompute it;
2. the Merkle tree recomputed from the entries against the signed checkpoints — the one an outsider
   saved (``--checkpoint``) and those the log published itself. Their signatures are made with a key
   outside the database, so a rewritten history, a cut-off end or an entry appended directly in the
   database cannot be made to match them;
3. the stored tree against the recomputed one (the cheap serving copy must not drift);
4. the state audit (``audit.audit_state``): what is invisible or has a status must be explained.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from resonanz.accounts.models import Brand
from resonanz.moderation import checkpoints, logtree, merkle
from resonanz.moderation.audit import Problem, audit_state
from resonanz.moderation.chain import verify_chain
from resonanz.moderation.models import LogCheckpoint, LogTreeNode


@dataclass
class LogReport:
    brand: str
    size: int
    problems: list[Problem] = field(default_factory=list)
    first_differing: int | None = None  # seq of the first entry that is not what was signed
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def differs_from(self, seq: int, message: str) -> None:
        self.problems.append(Problem(f"entry {seq}", message))
        if self.first_differing is None or seq < self.first_differing:
            self.first_differing = seq

    def lines(self) -> list[str]:
        if self.ok:
            return [
                f"{self.brand}: {self.size} entries, chain intact, consistent with the signed checkpoints"
            ]
        head = f"{self.brand}: BROKEN"
        if self.first_differing is not None:  # the first entry that differs from what was signed
            head += f" at entry seq {self.first_differing}"
        return [head, *(f"  {problem}" for problem in self.problems)]


def _compare_signed(
    report: LogReport, tree: merkle.MemoryTree, cp: checkpoints.Checkpoint, label: str
) -> bool:
    """True when entries 1..size still hash to the signed root."""
    if cp.tree_size > tree.size:
        report.differs_from(
            tree.size + 1,
            f"{label} of size {cp.tree_size} was signed, but the log has only {tree.size} entries: "
            f"entries {tree.size + 1}..{cp.tree_size} were cut off",
        )
        return False
    if cp.tree_size and tree.root(cp.tree_size) != cp.root_hash:
        report.problems.append(
            Problem(
                f"entries 1..{cp.tree_size}",
                f"do not hash to the root of {label}: the log is not an append-only extension of it",
            )
        )
        return False
    return True


def _first_differing_published(report: LogReport, brand: Brand, tree: merkle.MemoryTree, key: bytes) -> None:
    """Binary search over the log's own signed checkpoints (one per size written by the application) for
    the first size whose root no longer matches: the entry of that size is the first one changed."""
    sizes = list(
        LogCheckpoint.objects.filter(brand=brand, tree_size__lte=tree.size)
        .order_by("tree_size")
        .values_list("tree_size", flat=True)
    )
    low, high, good = 0, len(sizes) - 1, 0
    while low <= high:
        mid = (low + high) // 2
        row = LogCheckpoint.objects.get(brand=brand, tree_size=sizes[mid])
        signed = logtree.as_checkpoint(row)
        try:
            checkpoints.verify(signed, key)
        except checkpoints.CheckpointError as exc:
            report.problems.append(Problem(f"checkpoint {row.tree_size}", f"{exc}: edited in the database"))
            return
        if tree.root(signed.tree_size) == signed.root_hash:
            good, low = signed.tree_size, mid + 1
        else:
            high = mid - 1
    if low < len(sizes):  # sizes[low] is the smallest published size that no longer matches
        bad = sizes[low]
        if bad == good + 1:
            report.differs_from(bad, f"differs from what the log signed at size {bad}")
        else:
            report.differs_from(
                good + 1, f"entries {good + 1}..{bad} differ from what the log signed at size {bad}"
            )


def _check_coverage(report: LogReport, brand: Brand, tree: merkle.MemoryTree, key: bytes) -> None:
    """The application signs every append; an entry no signature covers was written around it."""
    latest = logtree.latest_checkpoint(brand)
    signed_size = latest.tree_size if latest else 0
    if signed_size < tree.size:
        report.differs_from(
            signed_size + 1,
            f"entries {signed_size + 1}..{tree.size} are covered by no signed checkpoint: "
            "they were added to the database outside the application",
        )
    if latest is not None:
        signed = logtree.as_checkpoint(latest)
        try:
            checkpoints.verify(signed, key)
        except checkpoints.CheckpointError as exc:
            report.problems.append(
                Problem(f"checkpoint {latest.tree_size}", f"{exc}: edited in the database")
            )
            return
        _compare_signed(report, tree, signed, f"the log's latest checkpoint (size {signed.tree_size})")


def _check_stored_tree(report: LogReport, brand: Brand, tree: merkle.MemoryTree, seqs: list[int]) -> None:
    stored = dict(LogTreeNode.objects.filter(brand=brand, level=0).values_list("index", "hash"))
    for index, leaf in enumerate(tree.levels[0]):
        if stored.get(index) != leaf.hex():
            report.differs_from(
                seqs[index], "its payload no longer matches the leaf stored when it was appended"
            )
            return


def verify_log(brand: Brand, *, checkpoint: checkpoints.Checkpoint | None = None) -> LogReport:
    tree, seqs = logtree.memory_tree(brand)
    report = LogReport(brand.slug, tree.size)
    key = checkpoints.public_key_bytes()
    chain = verify_chain(brand)
    if chain.problem is not None:
        report.differs_from(chain.problem.seq, chain.problem.message)
    if checkpoint is not None:
        given_ok = checkpoint.origin == logtree.origin_for(brand)
        if not given_ok:
            report.problems.append(
                Problem(
                    "checkpoint", f"is of the log {checkpoint.origin!r}, not {logtree.origin_for(brand)!r}"
                )
            )
        else:
            try:
                checkpoints.verify(checkpoint, key)
            except checkpoints.CheckpointError as exc:
                report.problems.append(Problem("checkpoint", str(exc)))
                given_ok = False
        if given_ok and _compare_signed(
            report, tree, checkpoint, f"the checkpoint given (size {checkpoint.tree_size})"
        ):
            report.notes.append(f"extends the checkpoint given of size {checkpoint.tree_size}")
    _check_coverage(report, brand, tree, key)
    _first_differing_published(report, brand, tree, key)
    _check_stored_tree(report, brand, tree, seqs)
    report.problems.extend(audit_state(brand))
    return report
