"""Does the state of the database match what the public log says? (``verify-modlog``'s state audit)

The log is replayed entry by entry through one small table, ``REPLAY`` (log entry kind → handler), into
the visibility each post and thread should have, the status each decision should have and which excerpts
were redacted. Anything the database shows that the replay does not explain is a problem: a post hidden
directly in the database, a decision whose status was changed, an excerpt marked "redacted" without a
redaction entry. A new kind of entry that changes visibility or a status adds one handler here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from resonanz.accounts.models import Brand
from resonanz.community.models import Post, Thread, Visibility
from resonanz.community.privacy import REMOVED_TEXT
from resonanz.moderation.models import Action, ModerationDecision, ModLogEntry
from resonanz.moderation.services.effects import VISIBILITY_AFTER  # the one table of what a decision does

Status = ModerationDecision.Status
State = ModLogEntry.ExcerptState


@dataclass(frozen=True)
class Problem:
    ref: str  # "post 17", "thread 3", "decision rz-… (id 5)", "entry 12"
    message: str

    def __str__(self) -> str:
        return f"{self.ref}: {self.message}"


@dataclass
class Replay:
    """What the log says the state is, built entry by entry."""

    post_visibility: dict[int, str] = field(default_factory=dict)
    thread_visibility: dict[int, str] = field(default_factory=dict)
    decision_status: dict[str, str] = field(default_factory=dict)
    decision_post: dict[str, int | None] = field(default_factory=dict)
    # post → decisions that set its visibility and are in force (the next one supersedes them)
    in_force: dict[int, list[str]] = field(default_factory=dict)
    # post → seq of the last entry that made it invisible (it withdraws the excerpts quoted before)
    silenced_at: dict[int, int] = field(default_factory=dict)
    redacted: set[int] = field(default_factory=set)


def _decision(replay: Replay, seq: int, p: dict[str, Any]) -> None:
    puid, post, action = p["decision"], p.get("post"), p.get("action")
    status = replay.decision_status[puid] = p.get("status") or Status.EFFECTIVE
    replay.decision_post[puid] = post
    if status != Status.EFFECTIVE or post is None or action not in VISIBILITY_AFTER:
        return  # a proposal published while it waits changes nothing yet
    for earlier in replay.in_force.get(post, []):
        if replay.decision_status.get(earlier) == Status.EFFECTIVE:
            replay.decision_status[earlier] = Status.SUPERSEDED
    replay.in_force[post] = [puid]
    replay.post_visibility[post] = VISIBILITY_AFTER[action]
    if VISIBILITY_AFTER[action] != Visibility.VISIBLE:
        replay.silenced_at[post] = seq


def _rejected(replay: Replay, seq: int, p: dict[str, Any]) -> None:
    replay.decision_status[p["decision"]] = Status.REJECTED
    replay.decision_post[p["decision"]] = p.get("post")


def _appeal(replay: Replay, seq: int, p: dict[str, Any]) -> None:
    puid = p["decision"]
    if p.get("outcome") != "reversed":
        return
    was_current = replay.decision_status.get(puid) == Status.EFFECTIVE
    replay.decision_status[puid] = Status.REVERSED
    post = replay.decision_post.get(puid)
    if was_current and post is not None and p.get("action") != Action.RESTRICT:
        replay.post_visibility[post] = Visibility.VISIBLE


def _redaction(replay: Replay, seq: int, p: dict[str, Any]) -> None:
    replay.redacted.add(int(p["redacts"]))


Handler = Callable[[Replay, int, dict[str, Any]], None]
REPLAY: dict[str, Handler] = {
    ModLogEntry.Kind.DECISION: _decision,
    ModLogEntry.Kind.REJECTED: _rejected,
    ModLogEntry.Kind.APPEAL: _appeal,
    ModLogEntry.Kind.REDACTION: _redaction,
}


def replay_log(brand: Brand) -> tuple[Replay, list[Problem]]:
    replay, problems = Replay(), []
    entries = ModLogEntry.objects.filter(brand=brand).order_by("seq")
    for seq, kind, payload, _state in entries.values_list("seq", "kind", "payload", "excerpt_state").iterator(
        chunk_size=2000
    ):
        handler = REPLAY.get(kind)
        if handler is not None:
            try:
                handler(replay, seq, payload)
            except (KeyError, TypeError, ValueError) as exc:
                problems.append(Problem(f"entry {seq}", f"a {kind} entry without the field {exc}"))
    return replay, problems


def _self_deleted(post: Post) -> bool:
    """Account deletion under a brand's "remove" policy marks the author's posts DELETED (community.privacy):
    the author's own act, which no log entry records."""
    return post.visibility == Visibility.DELETED and post.author_id is None and post.body == REMOVED_TEXT


def audit_state(brand: Brand) -> list[Problem]:
    """Every problem, each naming the post, thread, decision or entry it is about."""
    replay, problems = replay_log(brand)
    hidden_posts = Post.objects.filter(brand=brand).exclude(visibility=Visibility.VISIBLE).order_by("pk")
    for post in hidden_posts.only("pk", "thread_id", "visibility", "author_id", "body").iterator():
        logged = {replay.post_visibility.get(post.pk), replay.thread_visibility.get(post.thread_id)}
        if post.visibility not in logged and not _self_deleted(post):
            problems.append(Problem(f"post {post.pk}", f"is {post.visibility} but no log entry explains it"))
    # A thread follows its posts (community.services.sync_thread_visibility): it may be invisible only
    # when none of its posts is visible, and then it takes its opening post's state. The posts themselves
    # are audited above, so a thread is explained by them or by a thread-level entry.
    hidden_threads = Thread.objects.filter(brand=brand).exclude(visibility=Visibility.VISIBLE).order_by("pk")
    for thread_id, visibility in hidden_threads.values_list("pk", "visibility"):
        posts = Post.objects.filter(thread_id=thread_id)
        opening = posts.filter(is_opening=True).values_list("visibility", flat=True).first()
        follows_posts = opening == visibility and not posts.filter(visibility=Visibility.VISIBLE).exists()
        if not follows_posts and replay.thread_visibility.get(thread_id) != visibility:
            problems.append(Problem(f"thread {thread_id}", f"is {visibility} but no log entry explains it"))
    decisions = ModerationDecision.objects.filter(brand=brand).order_by("pk")
    for pk, puid, status in decisions.values_list("pk", "puid", "status").iterator():
        expected = replay.decision_status.get(puid, Status.PENDING_APPROVAL)
        if status != expected:
            problems.append(
                Problem(f"decision {puid} (id {pk})", f"has status {status} but the log says {expected}")
            )
    marked = ModLogEntry.objects.filter(brand=brand, excerpt_state__in=[State.REDACTED, State.WITHDRAWN])
    for seq, state, payload in marked.order_by("seq").values_list("seq", "excerpt_state", "payload"):
        if state == State.REDACTED and seq not in replay.redacted:
            problems.append(
                Problem(f"entry {seq}", "its excerpt is marked redacted but no redaction entry says so")
            )
        post = payload.get("post")
        if state == State.WITHDRAWN and not (post is not None and replay.silenced_at.get(post, 0) > seq):
            problems.append(
                Problem(
                    f"entry {seq}",
                    "its excerpt is marked withdrawn but no later entry hid or removed the post",
                )
            )
    return problems
