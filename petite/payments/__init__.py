"""Offers, orders, Stripe and PayPal payments, receipts, refunds and disputes (P3, P9, S1)."""
