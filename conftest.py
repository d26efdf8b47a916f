"""Fixtures shared by the whole suite: named members, a staff client, clean state."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.test import Client
from django.utils import translation

from petite.accounts.models import Member
from petite.accounts.tests.factories import PASSWORD, MemberFactory, StaffFactory, address

pytest_plugins = ["petite.privacy.pytest_plugin", "petite.core.pytest_clamd"]


@pytest.fixture(autouse=True)
def _test_settings(settings: Any, tmp_path: Path) -> None:
    # Tasks run at once in tests; Argon2 is proven by its own test and would
    # make every sign-in in the suite slow.
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PETITE_EXPORT_DIR = tmp_path / "exports"
    settings.PETITE_DATA_REQUEST_QUARANTINE_DIR = tmp_path / "quarantine"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.PETITE_TEAM_EMAIL = address("team", "petite.example")
    settings.PETITE_PRIVACY_EMAIL = address("privacy", "petite.example")
    settings.DEFAULT_FROM_EMAIL = "Petite <" + address("no-reply", "petite.example") + ">"


@pytest.fixture(autouse=True)
def _clean_state() -> Iterator[None]:
    # Rate limits live in the cache, and LocaleMiddleware leaves the last request's
    # language active in the thread: each test starts from a clean slate.
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
    translation.activate("en")


@pytest.fixture(autouse=True)
def _keep_the_test_connection(monkeypatch: pytest.MonkeyPatch) -> None:
    # A test runs inside one database transaction, where autocommit is off. Every
    # request_finished signal (a response a test or schemathesis closes itself, a
    # streamed download) runs close_old_connections, which drops a connection
    # whose autocommit differs from the settings': on PostgreSQL every following
    # query of the test then fails. The test's own transaction is not stale.
    from django.db.backends.base.base import BaseDatabaseWrapper

    close_if_stale = BaseDatabaseWrapper.close_if_unusable_or_obsolete

    def keep_the_test_transaction(self: BaseDatabaseWrapper) -> None:
        if not self.in_atomic_block:
            close_if_stale(self)

    monkeypatch.setattr(
        BaseDatabaseWrapper, "close_if_unusable_or_obsolete", keep_the_test_transaction
    )


@pytest.fixture
def password() -> str:
    return PASSWORD


@pytest.fixture
def alice(db: None) -> Member:
    return MemberFactory.create(first_name="Alice", last_name="Martin", email=address("alice"))


@pytest.fixture
def bob(db: None) -> Member:
    return MemberFactory.create(first_name="Bob", last_name="Durand", email=address("bob"))


@pytest.fixture
def staff(db: None) -> Member:
    return StaffFactory.create(first_name="Sam", last_name="Admin", email=address("sam"))


@pytest.fixture
def staff_client(staff: Member) -> Client:
    """A signed-in staff member with two-factor authentication, as the back-office requires."""
    TOTP.activate(staff, generate_totp_secret())
    client = Client()
    client.force_login(staff)
    return client
