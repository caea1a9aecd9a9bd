"""Crash injection: SIGKILL the importer and the processor at random moments, many times; afterwards
every input row is visible exactly once and the conversation counters agree with the messages.

Runs real subprocesses (``python -m resonanz …``) on a SQLite file in a temporary data directory,
so what survives is exactly what was committed.
"""

from __future__ import annotations

import csv
import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from resonanz.inbox.tests.midbatch import COUNT_SCRIPT  # one definition of what is counted

pytestmark = pytest.mark.slow

ROWS = 3000
THREADS = 400
KILLS = 20


def _run(env: dict[str, str], *args: str, timeout: int = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "resonanz", *args], env=env, capture_output=True, text=True, timeout=timeout
    )


def _kill_randomly(env: dict[str, str], args: list[str], rng: random.Random) -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "resonanz", *args],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    time.sleep(rng.uniform(0.6, 2.5))  # Django start-up takes ~0.5 s; kill while it works
    if process.poll() is None:
        os.kill(process.pid, signal.SIGKILL)
    process.wait()


@pytest.fixture
def data_env(tmp_path: Path) -> dict[str, str]:
    env = {
        **os.environ,
        "RESONANZ_DATA_DIR": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "resonanz.settings.base",
    }
    env.pop("DATABASE_URL", None)
    env["RESONANZ_TASK_BACKEND"] = "database"
    assert _run(env, "migrate", "-v", "0").returncode == 0
    made = _run(
        env,
        "manage",
        "shell",
        "-c",
        "from resonanz.accounts.models import Brand; Brand.objects.create(slug='crash', name='Crash')",
    )
    assert made.returncode == 0, made.stderr
    return env


def _write_csv(path: Path, rng: random.Random) -> None:
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "text", "author", "thread"])
        for n in range(ROWS):
            writer.writerow(
                [
                    f"row-{n}",
                    f"Beitrag {n}: Der Zug kam {rng.randint(1, 90)} Minuten zu spät.",
                    f"user{n % 97}",
                    f"t{rng.randrange(THREADS)}",
                ]
            )


def test_killing_workers_mid_batch_never_loses_or_duplicates(
    data_env: dict[str, str], tmp_path: Path
) -> None:
    rng = random.Random(4)
    export = tmp_path / "export.csv"
    _write_csv(export, rng)
    import_args = ["import", str(export), "--brand", "crash", "--channel", "Crash import"]
    for kill in range(KILLS):
        if kill % 4 == 0:
            _kill_randomly(data_env, import_args, rng)  # dies while staging or processing
        else:
            _kill_randomly(data_env, ["process-inbox", "--batch-size", "50"], rng)
    finished = _run(data_env, *import_args)  # re-import: only what never got staged is new
    assert finished.returncode == 0, finished.stderr
    processed = _run(data_env, "process-inbox")
    assert processed.returncode == 0, processed.stderr
    counts = json.loads(_run(data_env, "manage", "shell", "-c", COUNT_SCRIPT).stdout.strip().splitlines()[-1])
    expected = {"items": ROWS, "pending": 0, "messages": ROWS, "distinct": ROWS, "dupes": 0, "counted": ROWS}
    # "counted": the conversation counters were updated exactly once per message
    assert {key: counts[key] for key in expected} == expected, counts
    assert counts["conversations"] <= THREADS


def test_killing_mid_batch_after_partial_commits_loses_and_duplicates_nothing(tmp_path: Path) -> None:
    """Every kill lands after this run committed part of its work and before it finished (see
    midbatch.py); 20 of them here, 100 in benchmarks/crash.py."""
    from resonanz.inbox.tests.midbatch import crash_repeatedly

    rows = 2000
    report = crash_repeatedly(tmp_path, kills=20, rows=rows, batch_size=20)
    assert report.kills == 20, report
    assert set(report.kinds) == {"import", "process"}, report
    expected = {"items": rows, "pending": 0, "messages": rows, "distinct": rows, "dupes": 0, "counted": rows}
    assert {key: report.counts[key] for key in expected} == expected, report
