"""Transparent moderation: house rules, reports, decisions with statements of reasons, appeals, the
hash-chained public log, transparency reports and the DSA export."""
