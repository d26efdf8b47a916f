"""Articles the Platform publishes and members' public comments on them (S2)."""
