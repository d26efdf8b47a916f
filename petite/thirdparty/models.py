"""Models of third-party apps."""
