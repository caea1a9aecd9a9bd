"""Classification of posts: sentiment, criticism vs abuse, praise, topics, post type, language.

The models live in ``resonanz.classify.ml`` (no Django); this app adds label corrections
(training data from agents), the service entry point ``classify_post`` and the API.
"""
