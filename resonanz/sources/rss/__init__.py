"""RSS/Atom feeds (blogs, news, review sites, bridges) via feedparser."""
