"""Models of policy versions."""
