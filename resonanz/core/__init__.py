"""Shared foundations: base models, brand scoping, domain errors, Markdown, rate limits."""
