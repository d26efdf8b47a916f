"""Models of messages."""
