"""Demo data for `make run`: a few named members so the platform has something to show."""
