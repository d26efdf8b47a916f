"""Models of consent."""
