"""Alerts: crisis early warning (baseline, detector), alert lifecycle, crisis mode and post-mortems."""
