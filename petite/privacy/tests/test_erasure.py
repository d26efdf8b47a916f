"""The erasure engine removes everything the inventory holds about a member, and only that (U5)."""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.usersessions.models import UserSession
from axes.models import AccessAttempt
from django.contrib.sessions.models import Session
from django.urls import reverse

from petite.accounts.models import ConnectionEvent, Member, UsageCount
from petite.consent.models import ConsentRecord
from petite.contact.models import ContactMessage
from petite.core.models import AuditEvent
from petite.portraits.models import Portrait
from petite.privacy import erasure
from petite.privacy.models import ErasureReceipt

from .population import BRUNO, OTTILIE, Populated, populate

REASON = "request DR-2026-0001"


@pytest.fixture
def ottilie(db: None) -> Populated:
    return populate(OTTILIE)


@pytest.fixture
def bruno(db: None) -> Populated:
    return populate(BRUNO)


def held_about(populated: Populated) -> dict[str, int]:
    """How many rows each store holds about the member, counted the way a person would."""
    member = populated.member
    return {
        "accounts.Member": Member.objects.filter(pk=member.pk).count(),
        "account.EmailAddress": EmailAddress.objects.filter(user=member).count(),
        "mfa.Authenticator": Authenticator.objects.filter(user=member).count(),
        "usersessions.UserSession": UserSession.objects.filter(user=member).count(),
        "accounts.ConnectionEvent": ConnectionEvent.objects.filter(member=member).count(),
        "accounts.UsageCount": UsageCount.objects.filter(member=member).count(),
        "portraits.Portrait": Portrait.objects.filter(member=member).count(),
        "contact.ContactMessage": ContactMessage.objects.filter(
            email__iexact=populated.person.email
        ).count(),
        "axes.AccessAttempt": AccessAttempt.objects.filter(
            username__iexact=populated.person.email
        ).count(),
        "consent.ConsentRecord": ConsentRecord.objects.filter(member=member).count(),
        "core.AuditEvent": AuditEvent.objects.filter(actor=member).count(),
    }


def erase(populated: Populated, **kwargs: Any) -> ErasureReceipt:
    return erasure.erase_member(member=populated.member, reason=REASON, **kwargs)


@pytest.mark.clause("U5")
def test_erasure_removes_the_member_from_every_store_and_the_receipt_counts_it(ottilie):
    before = held_about(ottilie)
    sessions = before["usersessions.UserSession"]

    receipt = erase(ottilie)

    assert all(count == 0 for count in held_about(ottilie).values())
    outcome = receipt.outcome
    for label, count in before.items():
        if label == "core.AuditEvent":
            assert outcome[label]["blanked"] == count
        else:
            assert outcome[label]["deleted"] == count, label
    assert outcome["sessions.Session"]["deleted"] == sessions
    assert min(before.values()) >= 1  # every store really held something
    assert receipt.status == ErasureReceipt.Status.VERIFIED


@pytest.mark.clause("U5")
def test_the_scan_finds_none_of_the_members_identifiers_afterwards(ottilie):
    receipt = erase(ottilie)

    scan = receipt.scan
    assert scan["clean"] is True
    assert scan["findings"] == []
    # E-mail addresses, first and last name, street, postcode and city were searched.
    # The postcode alone is not searched: a number identifies nobody by itself.
    searchable = [v for v in OTTILIE.identifiers if any(c.isalpha() for c in v)]
    assert scan["identifiers"]["searched"] == len(searchable)
    assert scan["tables"] >= 25
    assert scan["encrypted_values_decrypted"] == 0  # her Portrait went: no address left
    assert scan["duration_ms"] >= 0


@pytest.mark.clause("U5", "SEC1")
def test_another_members_data_is_untouched(ottilie, bruno):
    before = held_about(bruno)

    erase(ottilie)

    assert held_about(bruno) == before
    bruno.member.refresh_from_db()
    assert bruno.member.first_name == BRUNO.first_name
    assert Portrait.objects.get(member=bruno.member).street == BRUNO.street
    assert bruno.device.get(reverse("accounts:security")).status_code == 200


@pytest.mark.clause("U5", "SEC1")
def test_the_member_is_signed_out_everywhere(ottilie):
    erase(ottilie)

    response = ottilie.device.get(reverse("accounts:security"))

    assert response.status_code == 302
    assert Session.objects.count() == 0


@pytest.mark.clause("U5")
def test_the_audit_trail_keeps_the_event_but_not_the_actor(ottilie):
    event = AuditEvent.objects.get(action="test.something_done")

    erase(ottilie)

    event.refresh_from_db()
    assert event.actor is None
    assert AuditEvent.objects.filter(action=erasure.AUDIT_ACTION).count() == 1


@pytest.mark.clause("U5")
def test_the_receipt_holds_no_personal_data_beyond_the_salted_hash(ottilie, settings):
    receipt = erase(ottilie)

    stored = json.dumps(
        [receipt.outcome, receipt.scan, receipt.reason, receipt.email_hash], ensure_ascii=False
    ).lower()
    for identifier in OTTILIE.identifiers:
        assert identifier.lower() not in stored
    assert receipt.email_hash == erasure.email_hash(OTTILIE.email.upper())
    settings.PETITE_RECEIPT_SALT = "another salt"
    assert receipt.email_hash != erasure.email_hash(OTTILIE.email)


@pytest.mark.clause("U5", "SEC1")
def test_a_crash_midway_leaves_the_member_untouched_and_a_retry_succeeds(ottilie, monkeypatch):
    before = held_about(ottilie)
    sessions_before = Session.objects.count()
    real_delete = erasure._delete_rows
    deleted: Counter[str] = Counter()

    def crash_on_the_fourth_model(plan: Any, member: Any) -> dict[str, int]:
        if len(deleted) == 3:
            raise RuntimeError("the database went away")
        result = real_delete(plan, member)
        deleted[plan.label] += 1
        return result

    monkeypatch.setattr(erasure, "_delete_rows", crash_on_the_fourth_model)

    with pytest.raises(RuntimeError):
        erase(ottilie)

    assert len(deleted) == 3  # three models had really been erased before the crash
    assert held_about(ottilie) == before
    assert Session.objects.count() == sessions_before
    assert Portrait.objects.get(member=ottilie.member).street == OTTILIE.street
    failed = ErasureReceipt.objects.get()
    assert failed.status == ErasureReceipt.Status.FAILED
    assert failed.outcome == {"error": "RuntimeError"}

    monkeypatch.setattr(erasure, "_delete_rows", real_delete)
    receipt = erase(ottilie)

    assert receipt.status == ErasureReceipt.Status.VERIFIED
    assert all(count == 0 for count in held_about(ottilie).values())


@pytest.mark.clause("U5")
def test_erasing_a_member_twice_erases_nothing_more(ottilie, bruno):
    erase(ottilie)
    bruno_before = held_about(bruno)

    receipt = erase(ottilie)

    assert held_about(bruno) == bruno_before
    assert sum(counts["deleted"] for counts in receipt.outcome.values()) == 0


@pytest.mark.clause("U5", "SEC1")
def test_staff_who_erased_someone_are_named_on_the_receipt(ottilie, staff):
    receipt = erase(ottilie, requested_by_staff=staff)

    assert receipt.requested_by_staff == staff
    assert AuditEvent.objects.get(action=erasure.AUDIT_ACTION).actor == staff


@pytest.mark.clause("U5")
def test_erasing_a_staff_member_unlinks_them_from_the_receipts_they_asked_for(ottilie, staff):
    earlier = erase(ottilie, requested_by_staff=staff)

    receipt = erasure.erase_member(member=staff, reason=REASON, requested_by_staff=staff)

    earlier.refresh_from_db()
    assert earlier.requested_by_staff is None
    assert receipt.requested_by_staff is None
    assert receipt.outcome["privacy.ErasureReceipt"]["blanked"] == 2
    assert receipt.outcome["privacy.ErasureReceipt"]["kept_because"] == {
        "email_hash": "proof that your data was erased (GDPR Art. 5(2) and 17)"
    }
