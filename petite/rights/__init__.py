"""Members' rights, self-service: the "Your data" page and complete exports (U1, U3)."""
