"""One-to-one conversations between members, with blocking and reporting (P5)."""
