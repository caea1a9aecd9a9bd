"""The unified inbox: one pipeline from every channel into conversations, worked by the brand team."""
