"""File imports of platform exports: generic CSV with a column mapping, Meta (Facebook) JSON, X archive."""
