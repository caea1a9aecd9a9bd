"""Keep one worker process running: start it again whenever it exits.

A worker exits on purpose after ``--max-jobs`` jobs or past ``--max-memory`` (core/worker.py), and
unintentionally when it is killed; either way a fresh one takes over. Imports no Django: the supervisor
stays small, and only the worker pays for loading the project.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from collections.abc import Sequence
from types import FrameType

RESTART_DELAY = 1.0


def supervise_worker(arguments: Sequence[str]) -> int:
    """Run ``resonanz worker --no-supervise ARGUMENTS`` until SIGTERM/SIGINT, which it passes on."""
    child: subprocess.Popen[bytes] | None = None
    stopping = False

    def stop(signum: int, frame: FrameType | None) -> None:
        nonlocal stopping
        stopping = True
        if child is not None and child.poll() is None:
            child.send_signal(signum)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    command = [sys.executable, "-m", "resonanz", "worker", "--no-supervise", *arguments]
    while not stopping:
        child = subprocess.Popen(command)  # noqa: S603 (our own command line, no shell)
        code = child.wait()
        if stopping:
            break
        if code != 0:  # killed or crashed (a recycled worker exits with 0 and is replaced at once)
            print(f"worker exited with {code}; restarting", file=sys.stderr, flush=True)
            time.sleep(RESTART_DELAY)
    return 0
