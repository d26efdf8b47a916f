"""OAuth 2 / OpenID Connect apps, their scopes, the API they call and the disclosure of what they read (S3)."""
