"""Resonanz: a German-first social media dialog hub."""
