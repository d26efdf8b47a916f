"""Policy versions and the 15-day notice of changes (E1-E4)."""
