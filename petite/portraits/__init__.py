"""The Portrait: a member's optional profile, with an encrypted postal address (R1.3)."""
