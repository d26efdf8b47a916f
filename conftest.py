"""Fixtures shared by the whole suite."""

from __future__ import annotations

import pytest

from petite.accounts.tests.factories import PASSWORD, MemberFactory, StaffFactory


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path):  # type: ignore[no-untyped-def]
    # Tasks run at once in tests; Argon2 is proven by its own test and would
    # make every sign-in in the suite slow.
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _clear_cache():  # type: ignore[no-untyped-def]
    # Rate limits live in the cache: each test starts with a clean slate.
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def password() -> str:
    return PASSWORD


@pytest.fixture
def alice(db):  # type: ignore[no-untyped-def]
    return MemberFactory(first_name="Alice", last_name="Martin", email="[email protected]")


@pytest.fixture
def bob(db):  # type: ignore[no-untyped-def]
    return MemberFactory(first_name="Bob", last_name="Durand", email="[email protected]")


@pytest.fixture
def staff(db):  # type: ignore[no-untyped-def]
    return StaffFactory(first_name="Sam", last_name="Admin", email="[email protected]")
