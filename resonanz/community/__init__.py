"""The brand-owned forum: categories, threads, posts, reactions and search."""
