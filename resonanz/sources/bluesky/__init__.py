"""Bluesky (AT Protocol): mentions and a search in, threaded replies out (the atproto client)."""
