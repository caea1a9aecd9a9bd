"""The generic signed webhook channel: anyone can push posts with an HMAC-SHA256 signature."""
