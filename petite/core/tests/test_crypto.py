"""Field encryption and key rotation (SEC1, R1.3)."""

from __future__ import annotations

from typing import Any
from unittest import mock

import pytest
from cryptography.fernet import Fernet, MultiFernet
from django.core.exceptions import FieldError, ImproperlyConfigured
from django.core.management import CommandError, call_command
from django.db import connection

from petite.core import crypto, rotation
from petite.core.models import AuditEvent
from petite.portraits.models import Portrait
from petite.portraits.tests.factories import PortraitFactory

KEY_A = Fernet.generate_key().decode()
KEY_B = Fernet.generate_key().decode()
STREET = "12 rue des Lilas"


def stored_street(portrait: Portrait) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT street FROM portraits_portrait WHERE id = %s", [portrait.pk])
        value: str = cursor.fetchone()[0]
    return value


@pytest.fixture
def key_a(settings: Any) -> None:
    settings.PETITE_FIELD_KEYS = [KEY_A]


@pytest.mark.clause("SEC1")
def test_encrypt_gives_a_fernet_token_that_decrypts_back(key_a: None) -> None:
    token = crypto.encrypt(STREET)

    assert STREET not in token
    assert Fernet(KEY_A).decrypt(token.encode()).decode() == STREET
    assert crypto.decrypt(token) == STREET


@pytest.mark.clause("SEC1")
def test_a_changed_key_setting_is_used_at_once(settings: Any, key_a: None) -> None:
    token = crypto.encrypt(STREET)

    settings.PETITE_FIELD_KEYS = [KEY_B]

    assert Fernet(KEY_B).decrypt(crypto.encrypt(STREET).encode()).decode() == STREET
    with pytest.raises(crypto.InvalidToken):
        crypto.decrypt(token)


def test_an_invalid_key_is_refused_without_being_shown(settings: Any) -> None:
    settings.PETITE_FIELD_KEYS = [KEY_A, "not-a-fernet-key"]

    with pytest.raises(ImproperlyConfigured, match="key number 2") as raised:
        crypto.encrypt(STREET)

    assert "not-a-fernet-key" not in str(raised.value)


def test_no_key_at_all_is_refused(settings: Any) -> None:
    settings.PETITE_FIELD_KEYS = []

    with pytest.raises(ImproperlyConfigured, match="empty"):
        crypto.encrypt(STREET)


@pytest.mark.django_db
def test_an_empty_value_is_stored_empty(key_a: None) -> None:
    portrait = PortraitFactory.create(street="")

    assert stored_street(portrait) == ""
    assert Portrait.objects.filter(street="").count() == 1


@pytest.mark.django_db
def test_searching_an_encrypted_field_is_a_clear_error(key_a: None) -> None:
    PortraitFactory.create()

    with pytest.raises(FieldError, match=r"portraits\.Portrait\.street is encrypted"):
        Portrait.objects.filter(street=STREET).count()
    with pytest.raises(FieldError, match="icontains"):
        Portrait.objects.filter(street__icontains="Lilas").count()


@pytest.mark.django_db
@pytest.mark.clause("SEC1")
def test_a_value_no_key_opens_is_a_clear_error_that_shows_no_data(
    settings: Any, key_a: None
) -> None:
    portrait = PortraitFactory.create()
    token = stored_street(portrait)
    settings.PETITE_FIELD_KEYS = [KEY_B]

    with pytest.raises(crypto.DecryptionError) as raised:
        Portrait.objects.get(pk=portrait.pk)

    message = str(raised.value)
    assert "portraits.Portrait.street" in message
    assert STREET not in message
    assert token not in message
    assert raised.value.__cause__ is None


@pytest.mark.django_db
@pytest.mark.clause("SEC1")
def test_rotate_field_keys_re_encrypts_with_the_newest_key(settings: Any, key_a: None) -> None:
    portrait = PortraitFactory.create()
    old_token = stored_street(portrait)
    settings.PETITE_FIELD_KEYS = [KEY_B, KEY_A]

    call_command("rotate_field_keys", stdout=mock.MagicMock())

    new_token = stored_street(portrait)
    assert new_token != old_token
    assert Fernet(KEY_B).decrypt(new_token.encode()).decode() == STREET
    settings.PETITE_FIELD_KEYS = [KEY_B]
    assert Portrait.objects.get(pk=portrait.pk).street == STREET
    settings.PETITE_FIELD_KEYS = [KEY_A]
    with pytest.raises(crypto.DecryptionError):
        Portrait.objects.get(pk=portrait.pk)


@pytest.mark.django_db
@pytest.mark.clause("SEC1")
def test_rotation_reports_counts_and_a_second_run_changes_nothing(
    settings: Any, key_a: None, capsys: pytest.CaptureFixture[str]
) -> None:
    PortraitFactory.create_batch(3)
    PortraitFactory.create(street="", postcode="", city="")  # nothing to rotate
    settings.PETITE_FIELD_KEYS = [KEY_B, KEY_A]

    call_command("rotate_field_keys", batch_size=2)
    first = capsys.readouterr().out
    call_command("rotate_field_keys", batch_size=2)
    second = capsys.readouterr().out

    assert (
        "portraits.Portrait (street, postcode, city): 3 rows with a value, 3 re-encrypted" in first
    )
    assert "batch 2" in first
    assert "3 rows with a value, 0 re-encrypted, 3 already current" in second
    assert AuditEvent.objects.filter(action="crypto.field_keys_rotated").count() == 2


@pytest.mark.django_db
@pytest.mark.clause("SEC1")
def test_rotation_resumes_after_a_crash_keeping_finished_batches(
    settings: Any, key_a: None
) -> None:
    portraits = PortraitFactory.create_batch(3)
    settings.PETITE_FIELD_KEYS = [KEY_B, KEY_A]
    real_rotate = crypto.rotate
    calls = {"n": 0}

    def crash_on_the_second_row(token: str) -> str:
        calls["n"] += 1
        if calls["n"] == 4:  # three fields per row: the first field of row two
            raise RuntimeError("power cut")
        return real_rotate(token)

    with mock.patch.object(crypto, "rotate", crash_on_the_second_row), pytest.raises(RuntimeError):
        call_command("rotate_field_keys", batch_size=1, stdout=mock.MagicMock())

    newest = Fernet(KEY_B)
    tokens = [stored_street(p) for p in portraits]
    assert newest.decrypt(tokens[0].encode())  # the first batch was kept
    assert not crypto.is_current(tokens[1])  # the failed batch left its row as it was
    reports = rotation.rotate_all(batch_size=1)
    assert reports[0].rotated == 2
    assert reports[0].already_current == 1
    assert all(crypto.is_current(stored_street(p)) for p in portraits)


@pytest.mark.django_db
def test_rotation_with_a_missing_key_stops_with_a_clear_error(settings: Any, key_a: None) -> None:
    portrait = PortraitFactory.create()
    token = stored_street(portrait)
    settings.PETITE_FIELD_KEYS = [KEY_B]  # KEY_A removed too early

    with pytest.raises(CommandError, match=r"portraits\.Portrait\.street") as raised:
        call_command("rotate_field_keys", stdout=mock.MagicMock())

    assert token not in str(raised.value)
    assert STREET not in str(raised.value)


def test_multifernet_is_built_once_per_key_list(settings: Any, key_a: None) -> None:
    first = crypto._keys()[0]

    assert crypto._keys()[0] is first
    assert isinstance(first, MultiFernet)
