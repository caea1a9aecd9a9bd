"""Transparent moderation: reports now; rules, decisions, appeals and the public log build on it."""
