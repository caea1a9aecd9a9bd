"""The brand's blog: articles written by the team; comments are posts in the article's thread."""
