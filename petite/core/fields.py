"""Model fields shared by the apps: text encrypted at rest (SEC1, R1.3)."""

from __future__ import annotations

from typing import Any

from cryptography.fernet import InvalidToken
from django.core.exceptions import FieldError
from django.db import models
from django.db.models.lookups import Exact, Lookup, Transform

from . import crypto

# Fernet tokens are randomised: the same text never gives the same token twice,
# so the database can only answer "is it empty?".
_ALLOWED_LOOKUPS = frozenset({"exact", "isnull"})


class _EmptyOnlyExact(Exact):
    """``field=""`` works (is it cleared?); any other value could never match a token."""

    def get_prep_lookup(self) -> Any:
        if self.rhs not in ("", None):
            raise FieldError(
                f"{_describe(self.lhs.output_field)} is encrypted: it can only be compared "
                "with '' (empty) or tested with __isnull; decrypt in Python to search it."
            )
        return super().get_prep_lookup()


def _describe(field: Any) -> str:
    model = getattr(field, "model", None)
    if model is None:
        return f"field '{field.name}'"
    return f"{model._meta.label}.{field.name}"


class EncryptedTextField(models.TextField):
    """Text stored as a Fernet token, decrypted when read.

    The empty string stays empty, so a cleared value really is empty in the
    database (and ``filter(field="")`` finds it). Anything else is encrypted
    with the newest of ``settings.PETITE_FIELD_KEYS``; ``manage.py
    rotate_field_keys`` re-encrypts old tokens. The field cannot be searched,
    ordered meaningfully or indexed: keep it for values only read back whole.
    """

    description = "Text encrypted at rest (Fernet)"

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> str | None:
        if value is None or value == "":
            return value
        try:
            return crypto.decrypt(value)
        except (InvalidToken, UnicodeError, ValueError):
            # "from None": the original exception adds nothing and the message
            # must not carry the stored token.
            raise crypto.DecryptionError(
                f"Cannot decrypt {_describe(self)}: none of the keys in PETITE_FIELD_KEYS "
                "opens the stored value. Was its key removed before "
                "`manage.py rotate_field_keys` had run?"
            ) from None

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return crypto.encrypt(str(value))

    # Refusals are classes that raise when the query is built, rather than
    # errors raised here: tools (the django-stubs mypy plugin) ask a field for
    # its lookups by name while type-checking.
    def get_lookup(self, lookup_name: str) -> Any:
        if lookup_name == "exact":
            return _EmptyOnlyExact
        if lookup_name in _ALLOWED_LOOKUPS:
            return super().get_lookup(lookup_name)
        return _refusal(Lookup, lookup_name)

    def get_transform(self, lookup_name: str) -> Any:
        return _refusal(Transform, lookup_name)


def _refusal(base: type[Any], lookup_name: str) -> type[Any]:
    def refuse(self: Any, lhs: Any, *args: Any, **kwargs: Any) -> None:
        raise FieldError(
            f"{_describe(lhs.output_field)} is encrypted: the lookup '{lookup_name}' cannot "
            "work on it (only __isnull and comparison with '' can)."
        )

    return type(f"Refused_{lookup_name}", (base,), {"lookup_name": lookup_name, "__init__": refuse})
