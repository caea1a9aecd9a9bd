"""Mails we did not write: every message of CPython's own e-mail test data (shipped with the interpreter's
test package, where installed) is either read or refused with a clear, located error — never a crash."""

from __future__ import annotations

from pathlib import Path

import pytest

from resonanz.sources.email.parse import parse_message
from resonanz.sources.incoming import IncomingError


def _corpus() -> Path | None:
    try:
        import test
    except ImportError:
        return None
    data = Path(test.__file__).resolve().parent / "test_email" / "data"
    return data if data.is_dir() else None


CORPUS = _corpus()


@pytest.mark.skipif(CORPUS is None, reason="this Python has no test package with e-mail test data")
def test_cpython_test_mails_are_read_or_refused_clearly():
    assert CORPUS is not None
    read, refused = 0, []
    for path in sorted(CORPUS.glob("msg_*.txt")):
        try:
            post = parse_message(path.read_bytes(), where=path.name)
        except IncomingError as exc:
            assert str(exc).startswith(path.name), "the error names the mail"
            refused.append(str(exc))
        else:
            assert post.external_id and post.text.strip()
            read += 1
    # Refusals are mails without any text or attachment (CPython's tests of empty MIME structures).
    assert all(reason.endswith("empty text") for reason in refused), refused
    assert read >= 32 and len(refused) <= 16, (read, refused)
