"""Mid-batch crash injection, shared by tests/test_crash.py (20 kills) and benchmarks/crash.py (100 kills).

Random timing alone mostly kills a process while Django starts, before anything is committed. Here the
parent watches the SQLite file (WAL: reading never blocks the writer) and sends SIGKILL only after the
child committed part of its work and before it finished: some staged or processed items are durable,
the rest of the import or of the processing batch is not. Afterwards the work is finished and every
input row must be a message exactly once, with conversation counters that agree.
"""

from __future__ import annotations

import csv
import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

COUNT_SCRIPT = """
import json
from django.db.models import Count, Sum
from resonanz.inbox.models import Conversation, InboundItem, Message
dupes = Message.objects.values("channel_id", "external_id").annotate(n=Count("id")).filter(n__gt=1).count()
print(json.dumps({
    "messages": Message.objects.count(),
    "distinct": Message.objects.values("external_id").distinct().count(),
    "dupes": dupes,
    "conversations": Conversation.objects.count(),
    "counted": Conversation.objects.aggregate(n=Sum("message_count"))["n"],
    "pending": InboundItem.objects.filter(state="pending").count(),
    "items": InboundItem.objects.count(),
}))
"""
PROGRESS_SQL = (
    "SELECT (SELECT count(*) FROM inbox_inbounditem), "
    "(SELECT count(*) FROM inbox_inbounditem WHERE state = 'processed')"
)


@dataclass
class CrashReport:
    kills: int = 0  # SIGKILLs after part of the work was committed, before the process finished
    runs: int = 0  # processes started (some finish before they can be killed mid-way)
    kinds: dict[str, int] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0


def run(env: dict[str, str], *args: str, timeout: int = 300) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "resonanz", *args], env=env, capture_output=True, text=True, timeout=timeout
    )


def prepare(data_dir: Path) -> dict[str, str]:
    """A fresh installation in ``data_dir`` (SQLite, database task queue) with the brand "crash"."""
    env = {
        **os.environ,
        "RESONANZ_DATA_DIR": str(data_dir),
        "DJANGO_SETTINGS_MODULE": "resonanz.settings.base",
    }
    env.pop("DATABASE_URL", None)
    env["RESONANZ_TASK_BACKEND"] = "database"
    migrated = run(env, "migrate", "-v", "0")
    assert migrated.returncode == 0, migrated.stderr
    made = run(
        env,
        "manage",
        "shell",
        "-c",
        "from resonanz.accounts.models import Brand; Brand.objects.create(slug='crash', name='Crash')",
    )
    assert made.returncode == 0, made.stderr
    return env


def write_csv(path: Path, rows: int, threads: int, rng: random.Random) -> None:
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "text", "author", "thread"])
        for n in range(rows):
            minutes = rng.randint(1, 90)
            writer.writerow(
                [f"row-{n}", f"Beitrag {n}: {minutes} Minuten zu spät.", f"user{n % 97}", f"t{n % threads}"]
            )


def _progress(database: Path) -> tuple[int, int]:
    try:
        with sqlite3.connect(database, timeout=5) as connection:
            staged, processed = connection.execute(PROGRESS_SQL).fetchone()
        return int(staged), int(processed)
    except sqlite3.OperationalError:  # the table does not exist yet, or a checkpoint is running
        return -1, -1


def _kill_mid_way(env: dict[str, str], args: list[str], database: Path, rng: random.Random) -> bool:
    """Start ``resonanz <args>``; SIGKILL it shortly after its first commit. True if it was killed
    while work remained (not after it finished)."""
    before = _progress(database)
    process = subprocess.Popen(
        [sys.executable, "-m", "resonanz", *args],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 120
    while process.poll() is None and time.monotonic() < deadline:
        if _progress(database) != before:  # something of this run is committed
            time.sleep(rng.uniform(0, 0.03))  # land anywhere in the next batch's transaction
            break
        time.sleep(0.002)
    if process.poll() is not None:
        return False  # finished (or failed) before it could be killed mid-way
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    return True


def crash_repeatedly(
    data_dir: Path, *, kills: int, rows: int, threads: int = 400, batch_size: int = 20, seed: int = 11
) -> CrashReport:
    """Kill importer and processor mid-way ``kills`` times, then finish the work and count."""
    started = time.monotonic()
    rng = random.Random(seed)
    env = prepare(data_dir)
    export = data_dir / "export.csv"
    write_csv(export, rows, threads, rng)
    database = data_dir / "resonanz.sqlite3"
    import_args = ["import", str(export), "--brand", "crash", "--channel", "Crash import"]
    report = CrashReport()
    while report.kills < kills and report.runs < kills * 4:
        staged, processed = _progress(database)
        if processed >= rows:
            break  # nothing left to interrupt
        importing = staged < rows or rng.random() < 0.2
        kind = "import" if importing else "process"
        args = import_args if importing else ["process-inbox", "--batch-size", str(batch_size)]
        report.runs += 1
        if _kill_mid_way(env, args, database, rng):
            report.kills += 1
            report.kinds[kind] = report.kinds.get(kind, 0) + 1
    finished = run(env, *import_args)
    assert finished.returncode == 0, finished.stderr
    processed_run = run(env, "process-inbox")
    assert processed_run.returncode == 0, processed_run.stderr
    output = run(env, "manage", "shell", "-c", COUNT_SCRIPT).stdout.strip().splitlines()[-1]
    report.counts = json.loads(output)
    report.seconds = time.monotonic() - started
    return report
