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
    stores.page(stores.CONTACT_FORM, "contact:form")   # a page the notice links to

Nothing here knows an app by name: apps register, engines iterate.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.storage import Storage, storages
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
    # The settings name that holds the lifetime in days, when it is configurable
    # (read at each use: tests change it). A configurable *name* (SESSION_COOKIE_NAME)
    # is read by the declaring app when it declares the cookie.
    max_age_days_setting: str | None = None
    http_only: bool = True

    @property
    def days(self) -> int | None:
        if self.max_age_days_setting:
            value = getattr(settings, self.max_age_days_setting, None)
            if value is not None:
                return int(value)
        return self.max_age_days


@dataclass(frozen=True)
class FileStore:
    """A place where files about members are kept (exports, evidence, quarantine…)."""

    key: str  # "<app>.<what>", stable
    label: Promise | str
    description: Promise | str
    purposes: tuple[str, ...]
    # A STORAGES alias ("default"…) or a name given to :func:`storage` by the app that
    # owns a storage of its own ("exports", "quarantine"), and the prefix under which
    # this store writes, so the scan and retention look only there.
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

    @property
    def days(self) -> int | None:
        """The retention in days, read from its setting each time (tests change it)."""
        if self.retention_days_setting:
            value = getattr(settings, self.retention_days_setting, None)
            if value is not None:
                return int(value)
        return self.retention_days


SessionTerminator = Callable[[Any], int]

_cookies: dict[str, Cookie] = {}
_file_stores: dict[str, FileStore] = {}
_terminators: list[SessionTerminator] = []
_storages: dict[str, Callable[[], Storage]] = {}
_pages: dict[str, str] = {}

# The pages of apps the published texts (notice) link to, by role.
CONTACT_FORM = "contact_form"
ACCOUNT = "account"
PORTRAIT = "portrait"


def cookie(declared: Cookie) -> Cookie:
    _cookies[declared.name] = declared
    return declared


def file_store(declared: FileStore) -> FileStore:
    _file_stores[declared.key] = declared
    return declared


def storage(name: str, factory: Callable[[], Storage]) -> None:
    """Name a storage that is not in ``settings.STORAGES`` (an app's own folder), so
    file stores can say ``storage=name``. ``factory`` is called at each use: the
    folder may come from a setting that tests change."""
    _storages[name] = factory


def page(role: str, url_name: str) -> None:
    """The URL name of the page that plays ``role`` (CONTACT_FORM…), for the notice."""
    _pages[role] = url_name


def page_url_name(role: str) -> str | None:
    """The URL name registered for ``role``, None while no installed app serves it."""
    return _pages.get(role)


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


# --- Files of the declared stores ---------------------------------------------------


def storage_of(store: FileStore) -> Storage:
    if store.storage in _storages:
        return _storages[store.storage]()
    return storages[store.storage]


def local_folder(store: FileStore) -> Path | None:
    """The store's folder on this machine, or None for a remote storage."""
    try:
        return Path(storage_of(store).path(store.prefix))
    except NotImplementedError:
        return None


def files(store: FileStore) -> Iterator[str]:
    """The names (relative to the storage) of every file of the store."""
    folder = local_folder(store)
    if folder is None or not folder.is_dir():
        return
    root = Path(storage_of(store).path(""))
    for directory, _dirs, names in os.walk(folder):
        for name in sorted(names):
            path = Path(directory) / name
            if path.is_file() and not path.is_symlink():
                yield path.relative_to(root).as_posix()


def expired_files(store: FileStore, now: dt.datetime) -> list[str]:
    """The store's files older than its retention; none when it has no retention of its own."""
    days = store.days
    if days is None:
        return []
    cutoff = now - dt.timedelta(days=days)
    target = storage_of(store)
    return [name for name in files(store) if target.get_modified_time(name) < cutoff]


def owned_files(member: Any, *, exported_only: bool = False) -> list[tuple[FileStore, str]]:
    """(store, name) of every file the stores that know their owners attribute to ``member``."""
    found: list[tuple[FileStore, str]] = []
    for store in file_stores():
        if store.owned_by is None or (exported_only and not store.exported):
            continue
        found.extend((store, name) for name in store.owned_by(member))
    return found
