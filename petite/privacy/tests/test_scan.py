"""The verification scan finds the member's identifiers wherever they stayed (U5).

Each test leaves one trace of Ottilie where the erasure cannot know of it, and
checks that the receipt reports where, and how many, without the value.
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.models import TextField, Value

from petite.accounts.models import Member
from petite.accounts.tests.factories import MemberFactory
from petite.core import audit
from petite.portraits.models import Portrait
from petite.portraits.tests.factories import PortraitFactory
from petite.privacy import erasure
from petite.privacy.models import ErasureReceipt

from .population import BRUNO, OTTILIE, Populated, populate


@pytest.fixture
def ottilie(db: None) -> Populated:
    return populate(OTTILIE)


def erase(populated: Populated) -> ErasureReceipt:
    return erasure.erase_member(member=populated.member, reason="test")


def findings(receipt: ErasureReceipt) -> dict[str, int]:
    return {entry["where"]: entry["count"] for entry in receipt.scan["findings"]}


def assert_no_value_in(receipt: ErasureReceipt) -> None:
    stored = json.dumps([receipt.outcome, receipt.scan], ensure_ascii=False).lower()
    for identifier in OTTILIE.identifiers:
        assert identifier.lower() not in stored


@pytest.mark.clause("U5")
def test_a_trace_in_a_table_no_declaration_covers_is_a_finding(ottilie, staff):
    # The admin's history names the object it changed: the erasure cannot tie it to her.
    LogEntry.objects.create(
        user=staff,
        content_type=ContentType.objects.get_for_model(Member),
        object_id=str(ottilie.member.pk),
        object_repr=f"{OTTILIE.first_name} {OTTILIE.last_name}",
        action_flag=CHANGE,
    )

    receipt = erase(ottilie)

    assert receipt.status == ErasureReceipt.Status.FINDINGS
    assert findings(receipt) == {"django_admin_log.object_repr": 1}
    assert receipt.scan["findings"][0]["model"] == "admin.LogEntry"
    assert_no_value_in(receipt)


@pytest.mark.clause("U5", "SEC1")
def test_encrypted_columns_are_decrypted_and_searched(ottilie):
    PortraitFactory.create(
        member=MemberFactory.create(first_name="Bruno", last_name="Keller"),
        street="c/o " + OTTILIE.email,
    )

    receipt = erase(ottilie)

    assert findings(receipt) == {"portraits_portrait.street": 1}
    assert receipt.scan["encrypted_values_decrypted"] >= 3  # Bruno's street, postcode, city


@pytest.mark.clause("U5")
def test_a_value_no_key_can_open_is_reported(ottilie):
    other = PortraitFactory.create(member=MemberFactory.create(first_name="Bruno"))
    Portrait.objects.filter(pk=other.pk).update(city=Value("not a token", output_field=TextField()))

    receipt = erase(ottilie)

    assert findings(receipt) == {"portraits_portrait.city (cannot be decrypted)": 1}


@pytest.mark.clause("U5")
def test_json_columns_are_searched_even_with_accents(ottilie):
    # Stored by the JSON encoder as "Quimperl\u00e9" on SQLite.
    audit.record("test.unrelated", note=f"moved from {OTTILIE.city}")

    receipt = erase(ottilie)

    assert findings(receipt) == {"core_auditevent.data": 1}


@pytest.mark.clause("U5")
def test_tables_without_a_model_are_searched_too(ottilie):
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO django_migrations (app, name, applied) VALUES (%s, %s, CURRENT_TIMESTAMP)",
            ["notes", f"0001_{OTTILIE.last_name.lower()}"],
        )

    receipt = erase(ottilie)

    assert findings(receipt) == {"django_migrations.name": 1}


@pytest.mark.clause("U5")
def test_a_word_that_merely_contains_an_identifier_is_not_a_finding(ottilie):
    PortraitFactory.create(
        member=MemberFactory.create(first_name="Bruno", last_name="Keller"),
        bio=f"Reader of {OTTILIE.last_name}kamp and {OTTILIE.first_name}s.",
    )

    receipt = erase(ottilie)

    assert receipt.scan["clean"] is True


@pytest.mark.clause("U5")
def test_a_value_other_members_share_is_not_searched(ottilie):
    namesake = populate(BRUNO)
    Member.objects.filter(pk=namesake.member.pk).update(first_name=OTTILIE.first_name)

    receipt = erase(ottilie)

    assert receipt.status == ErasureReceipt.Status.VERIFIED
    assert receipt.scan["identifiers"]["shared_not_searched"] == 1
    assert Member.objects.filter(first_name=OTTILIE.first_name).count() == 1


@pytest.mark.clause("U5")
def test_stored_files_are_searched_by_name_and_content(ottilie, settings):
    media = Path(settings.MEDIA_ROOT)
    (media / "notes").mkdir(parents=True)
    (media / "notes" / "letter.txt").write_text(f"Dear {OTTILIE.first_name},")
    (media / "notes" / f"{OTTILIE.last_name}.png").write_bytes(b"\x89PNG")
    (media / "notes" / "unrelated.txt").write_text("Nothing to see.")
    exports = Path(settings.PETITE_EXPORT_DIR)
    exports.mkdir(parents=True)
    with zipfile.ZipFile(exports / "archive.zip", "w") as archive:
        archive.writestr("data.json", json.dumps({"email": OTTILIE.email}))

    receipt = erase(ottilie)

    assert findings(receipt) == {
        "media:notes/letter.txt": 1,
        "media:notes/[…].png": 1,
        "exports:archive.zip": 1,
    }
    assert receipt.scan["files"] == 4
    assert receipt.scan["archive_members"] == 1
    assert_no_value_in(receipt)


@pytest.mark.clause("U5")
def test_a_number_alone_is_not_searched_so_another_members_data_is_no_finding(ottilie):
    # Her postcode, as a number in someone else's address, is not a trace of her.
    PortraitFactory.create(
        member=MemberFactory.create(first_name="Bruno", last_name="Keller"),
        street=f"{OTTILIE.postcode} route des Crêtes",
    )

    receipt = erase(ottilie)

    assert receipt.status == ErasureReceipt.Status.VERIFIED
    assert findings(receipt) == {}
