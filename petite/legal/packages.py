"""Disclosure packages and transfer datasets: the export engine's archives of the
members concerned, scoped, zipped together and encrypted at rest (Fernet, through
``petite.core.crypto``, so key rotation covers them too)."""

from __future__ import annotations

import base64
import io
import uuid
import zipfile
from collections.abc import Iterable

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from petite.accounts.models import Member
from petite.core import crypto
from petite.privacy import export

PREFIX = "legal/"


def build(members: Iterable[Member], scope: export.Scope, *, language: str = "en") -> bytes:
    """One ZIP holding, for each member, their export limited to ``scope``."""
    outer = io.BytesIO()
    with zipfile.ZipFile(outer, "w", compression=zipfile.ZIP_STORED) as bundle:
        for member in members:
            inner = io.BytesIO()
            export.write_archive(member, inner, language=language, scope=scope)
            bundle.writestr(f"members/{member.pk}.zip", inner.getvalue())
    return outer.getvalue()


def store(content: bytes) -> str:
    """Encrypt and store ``content``; returns the stored file's name."""
    token = crypto.encrypt(base64.b64encode(content).decode("ascii"))
    name = f"{PREFIX}{uuid.uuid4().hex}.fernet"
    return default_storage.save(name, ContentFile(token.encode("ascii")))


def load(name: str) -> bytes:
    with default_storage.open(name, "rb") as stored:
        token = stored.read().decode("ascii")
    return base64.b64decode(crypto.decrypt(token))


def delete(name: str) -> None:
    if name and default_storage.exists(name):
        default_storage.delete(name)
