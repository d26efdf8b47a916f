"""Cookie and tracker consent: the banner, Global Privacy Control and the consent ledger (R1.5, P2, P7)."""
