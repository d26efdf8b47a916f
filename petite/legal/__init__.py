"""Requests from authorities, legal holds, the transparency report and transfers (S5, S6)."""
