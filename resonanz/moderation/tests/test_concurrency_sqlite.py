"""Two moderators on one post on SQLite (the embedded default): one wins, the other is told why.

The race runs in a subprocess on a real database file with the product's SQLite settings; see
``sqlite_race``. (The PostgreSQL version with row locks is ``test_concurrency``.)
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from django.db import connection

pytestmark = pytest.mark.slow


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the SQLite pass covers the embedded mode")
def test_two_moderators_one_post_one_wins_on_sqlite(tmp_path):
    env = {key: value for key, value in os.environ.items() if key not in ("DATABASE_URL", "REDIS_URL")}
    env.update(
        RESONANZ_DATA_DIR=str(tmp_path), DJANGO_SETTINGS_MODULE="resonanz.settings.base",
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
    )  # fmt: skip
    done = subprocess.run(
        [sys.executable, "-m", "resonanz.moderation.tests.sqlite_race"],
        env=env, capture_output=True, text=True, timeout=180, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    outcomes = result["outcomes"]
    assert sorted(outcomes.values())[-1] == "won" and len(outcomes) == 2, outcomes
    winner = next(name for name, outcome in outcomes.items() if outcome == "won")
    loser = next(outcome for outcome in outcomes.values() if outcome != "won")
    assert loser.startswith("stale: ") and winner in loser  # "In the meantime mo acted: Hide …"
    assert result == {**result, "decisions": 1, "chain_ok": True}
