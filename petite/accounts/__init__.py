"""Members: sign-up and sign-in (allauth), the connection log, usage counts, account settings."""
