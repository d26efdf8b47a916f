"""Passwords per OWASP ASVS 2.1, hashed with Argon2 (SEC1)."""

from __future__ import annotations

import importlib

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

from petite.accounts.validators import MaximumLengthValidator


@pytest.mark.clause("SEC1")
def test_argon2_is_the_hasher_for_new_passwords():
    # The suite swaps hashers for speed: read the project's own settings module.
    project_settings = importlib.import_module("config.settings")

    assert project_settings.PASSWORD_HASHERS[0] == (
        "django.contrib.auth.hashers.Argon2PasswordHasher"
    )


def error_codes(password: str) -> set[str]:
    try:
        validate_password(password)
    except ValidationError as error:
        return {e.code for e in error.error_list if e.code}
    return set()


@pytest.mark.clause("SEC1")
def test_a_common_password_of_twelve_characters_is_refused():
    # Also in the bundled list of breached passwords (P8), which refuses it too.
    assert "password_too_common" in error_codes("qwerty123456")


@pytest.mark.clause("SEC1")
def test_a_password_of_eleven_characters_is_refused():
    assert error_codes("fjord-lamps") == {"password_too_short"}


@pytest.mark.clause("SEC1")
def test_a_long_passphrase_without_digits_or_symbols_is_accepted():
    assert error_codes("violet lantern over quiet fjords") == set()


@pytest.mark.clause("SEC1")
def test_a_password_over_128_characters_is_refused():
    assert error_codes("word " * 26) == {"password_too_long"}


def test_128_characters_are_still_accepted():
    MaximumLengthValidator().validate("a" * 128)
