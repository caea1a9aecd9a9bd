"""Optional error tracking: ``SENTRY_DSN`` turns on sentry-sdk, if it is installed (an optional extra).

Resonanz never depends on it: without the package a warning says why nothing is reported, and the
installation runs as before. Personal data (addresses, cookies, user names) is not sent.
"""

from __future__ import annotations

import logging
import os
from importlib.util import find_spec

log = logging.getLogger(__name__)


def init_sentry(dsn: str) -> bool:
    """Start sentry-sdk with Django integration; False (and a warning) when it is not installed."""
    if find_spec("sentry_sdk") is None:
        log.warning("SENTRY_DSN is set but sentry-sdk is not installed: pip install 'resonanz[sentry]'")
        return False
    import sentry_sdk

    sentry_sdk.init(
        dsn=dsn,
        environment=os.environ.get("SENTRY_ENVIRONMENT", "production"),
        send_default_pii=False,  # a forum's readers and posters are not the error tracker's business
        traces_sample_rate=float(os.environ.get("SENTRY_TRACES_SAMPLE_RATE", "0") or 0),
    )
    return True
