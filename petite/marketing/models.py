"""Models of newsletter and offers."""
