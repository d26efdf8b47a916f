"""The suppression list's key: a keyed fingerprint of an e-mail address.

The list must stop mail to an address after its owner's account is gone, yet not
be a list of addresses (CNIL: an objection list holds only a hashed form). An
HMAC-SHA256 under ``settings.PETITE_MARKETING_SUPPRESSION_KEY`` answers "is this
address blocked?" for anyone who has the address and the key, and reveals nothing
to someone who has only the table: unlike a bare hash, guessing addresses and
hashing them needs the key.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac

from django.conf import settings


def normalise(address: str) -> str:
    """The form every spelling of one address shares: trimmed, lower case, and an
    internationalised domain in its ASCII (IDNA) form."""
    address = address.strip().lower()
    local, at, domain = address.rpartition("@")
    if not at:
        return address
    # A domain that is not a valid name is hashed as written.
    with contextlib.suppress(UnicodeError):
        domain = domain.encode("idna").decode("ascii")
    return f"{local}@{domain}"


def address_hash(address: str) -> str:
    key = settings.PETITE_MARKETING_SUPPRESSION_KEY.encode()
    return hmac.new(key, normalise(address).encode(), hashlib.sha256).hexdigest()
