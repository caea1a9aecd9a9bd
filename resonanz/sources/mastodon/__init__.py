"""Mastodon: mentions of the account and a hashtag timeline in, replies out (Mastodon.py)."""
