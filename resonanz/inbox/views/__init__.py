"""Inbox pages: the list and a conversation (views/conversations.py), team settings (views/setup.py)."""
