"""The data-request desk: requests by e-mail, in the app or from staff, with deadlines (U2-U6)."""
