"""Shared foundations: the audit trail, the scheduler, logging hygiene, base templates."""
