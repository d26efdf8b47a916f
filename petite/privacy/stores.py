"""What the platform keeps outside its models: cookies, file stores, session terminators.

Models declare themselves with ``class Privacy``; everything else an app keeps
about people is declared here, from the app's ``AppConfig.ready()``, so the
cookie banner, ``/cookies/``, the notice, the erasure scan, retention and the
export read one list and cannot drift from what the platform really sets and
stores::

    stores.cookie(Cookie(
        name="petite_device", purpose="P8", consent=None,
        label=_("Device recognition"),
        description=_("Recognises this browser so a sign-in from it is not reported as new."),
        max_age_days=14,
    ))
    stores.file_store(FileStore(
        key="support.attachments", label=_("Help request attachments"),
        description=_("Files you attached to a help request."),
        storage="default", prefix="support/", purposes=("P6",),
        category=categories.SUPPORT, retention_days_setting="PETITE_SUPPORT_RETENTION_DAYS",
        owned_by=attachments_of,   # member -> the names of their files in the storage
    ))
    stores.session_terminator(end_allauth_sessions)   # member -> sessions ended

Nothing here knows an app by name: apps register, engines iterate.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise


@dataclass(frozen=True)
class Cookie:
    """One cookie the platform may set in a browser."""

    name: str
    purpose: str  # a purpose id, P1 to P10
    label: Promise | str
    description: Promise | str
    # None: strictly necessary, set without asking. Otherwise the consent category
    # key (as the consent app names it) that must be given first.
    consent: str | None = None
    # None: until the browser closes.
    max_age_days: int | None = None
    # The settings name that holds the cookie's real name, when it is configurable
    # (SESSION_COOKIE_NAME); read at declaration time by the declaring app.
    http_only: bool = True


@dataclass(frozen=True)
class FileStore:
    """A place where files about members are kept (exports, evidence, quarantine…)."""

    key: str  # "<app>.<what>", stable
    label: Promise | str
    description: Promise | str
    purposes: tuple[str, ...]
    # A STORAGES alias ("default", "exports"…) and the prefix under which this store
    # writes, so the scan and retention look only there.
    storage: str = "default"
    prefix: str = ""
    # The category key (privacy.categories) of what the files hold.
    category: str = ""
    # Days kept, or the settings name that holds them; None: as long as the record
    # that names the file (its model's declaration rules it).
    retention_days: int | None = None
    retention_days_setting: str | None = None
    # member -> names (relative to the storage) of the files about that member, for the
    # export and the erasure; None: the store's files are reached through a model field.
    owned_by: Callable[[Any], Iterable[str]] | None = None
    # Whether the member gets these files in their export.
    exported: bool = True
    # Whether the erasure scan searches these files for an erased member's identifiers.
    scanned: bool = True


SessionTerminator = Callable[[Any], int]

_cookies: dict[str, Cookie] = {}
_file_stores: dict[str, FileStore] = {}
_terminators: list[SessionTerminator] = []


def cookie(declared: Cookie) -> Cookie:
    _cookies[declared.name] = declared
    return declared


def file_store(declared: FileStore) -> FileStore:
    _file_stores[declared.key] = declared
    return declared


def session_terminator(terminator: SessionTerminator) -> SessionTerminator:
    """``terminator(member) -> number of sessions ended``, called by every erasure,
    account closing and "this wasn't me"."""
    if terminator not in _terminators:
        _terminators.append(terminator)
    return terminator


def cookies() -> list[Cookie]:
    return sorted(_cookies.values(), key=lambda c: (c.consent is not None, c.name))


def cookie_names() -> set[str]:
    return set(_cookies)


def file_stores() -> list[FileStore]:
    return sorted(_file_stores.values(), key=lambda s: s.key)


def session_terminators() -> list[SessionTerminator]:
    return list(_terminators)


def end_sessions(member: Any) -> int:
    """End every session of ``member`` through every declared terminator."""
    return sum(terminator(member) for terminator in _terminators)
