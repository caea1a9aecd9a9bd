"""Channels and connectors: every source of posts (community, feeds, networks, e-mail, webhooks, files).

Each network lives in its own subpackage (``client.py`` does I/O, ``parse.py`` turns payloads into
:class:`~resonanz.sources.incoming.IncomingPost`); nothing outside it sees the network's field names.
"""
