"""Encryption at rest for sensitive fields (SEC1, R1.3), and key rotation.

Keys come from ``settings.PETITE_FIELD_KEYS``: Fernet keys, newest first. New
values are encrypted with the newest key; any listed key can decrypt, so a new
key is introduced by putting it first, running ``manage.py rotate_field_keys``,
then removing the old key once the command reports that nothing uses it.

Errors never carry the plaintext nor the ciphertext: they name the key position
or the model and field, which is all an operator needs. Rotating every stored
value under the newest key is :mod:`petite.core.rotation`.
"""

from __future__ import annotations

import functools

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


class DecryptionError(Exception):
    """A stored value that none of the configured keys can open."""


@functools.lru_cache(maxsize=8)
def _build(keys: tuple[str, ...]) -> tuple[MultiFernet, Fernet]:
    if not keys:
        raise ImproperlyConfigured("PETITE_FIELD_KEYS is empty: field encryption needs a key.")
    fernets = []
    for position, key in enumerate(keys, start=1):
        try:
            fernets.append(Fernet(key))
        except (ValueError, TypeError):
            # The key itself is secret: say which one is wrong, never what it is.
            raise ImproperlyConfigured(
                f"PETITE_FIELD_KEYS: key number {position} is not a valid Fernet key "
                "(32 url-safe base64-encoded bytes; make one with "
                "`python -c 'from cryptography.fernet import Fernet; "
                "print(Fernet.generate_key().decode())'`)."
            ) from None
    return MultiFernet(fernets), fernets[0]


def _keys() -> tuple[MultiFernet, Fernet]:
    # Keyed on the tuple of keys, so a changed setting (tests override it) gives
    # a fresh MultiFernet without listening to setting_changed.
    return _build(tuple(settings.PETITE_FIELD_KEYS))


def encrypt(plaintext: str) -> str:
    """A Fernet token for ``plaintext``, under the newest key."""
    multi, _newest = _keys()
    return multi.encrypt(plaintext.encode("utf-8")).decode("ascii")


def decrypt(token: str) -> str:
    """The plaintext of ``token``; :class:`cryptography.fernet.InvalidToken` if no key opens it."""
    multi, _newest = _keys()
    return multi.decrypt(token.encode("ascii")).decode("utf-8")


def is_current(token: str) -> bool:
    """Whether ``token`` is already encrypted under the newest key."""
    _multi, newest = _keys()
    try:
        newest.decrypt(token.encode("ascii"))
    except InvalidToken:
        return False
    return True


def rotate(token: str) -> str:
    """``token`` re-encrypted under the newest key (its timestamp is kept)."""
    multi, _newest = _keys()
    return multi.rotate(token.encode("ascii")).decode("ascii")
