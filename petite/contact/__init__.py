"""The contact form: visitors and members write to the team (R1.4)."""
