"""Commercial e-mail by preference: topics, campaigns, unsubscribe and the suppression list (P10)."""
