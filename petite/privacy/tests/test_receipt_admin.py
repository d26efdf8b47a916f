"""Erasure receipts in the back-office: listed and readable, never editable (U5, SEC1)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from petite.privacy import erasure
from petite.privacy.models import ErasureReceipt

from .population import OTTILIE, populate


@pytest.fixture
def receipt(db: None) -> ErasureReceipt:
    return erasure.erase_member(member=populate(OTTILIE).member, reason="request DR-7")


@pytest.mark.clause("U5")
def test_staff_see_receipts_with_their_status_and_counts(staff_client, receipt):
    response = staff_client.get(reverse("admin:privacy_erasurereceipt_changelist"))

    body = response.content.decode()
    assert response.status_code == 200
    assert "request DR-7" in body
    assert "Erased and verified" in body


@pytest.mark.clause("U5")
def test_a_receipt_reads_as_a_table_of_what_was_erased_and_the_scan(staff_client, receipt):
    response = staff_client.get(reverse("admin:privacy_erasurereceipt_change", args=[receipt.pk]))

    body = response.content.decode()
    assert response.status_code == 200
    assert "portraits.Portrait" in body
    assert "duration_ms" in body
    assert 'name="_save"' not in body  # read-only
    for identifier in OTTILIE.identifiers:
        assert identifier not in body


@pytest.mark.clause("U5", "SEC1")
def test_receipts_cannot_be_added_changed_or_deleted(staff_client, receipt):
    add = staff_client.get(reverse("admin:privacy_erasurereceipt_add"))
    change = staff_client.post(
        reverse("admin:privacy_erasurereceipt_change", args=[receipt.pk]), {"reason": "edited"}
    )
    delete = staff_client.post(
        reverse("admin:privacy_erasurereceipt_delete", args=[receipt.pk]), {"post": "yes"}
    )

    assert add.status_code == 403
    assert change.status_code == 403
    assert delete.status_code == 403
    receipt.refresh_from_db()
    assert receipt.reason == "request DR-7"


@pytest.mark.clause("U5", "SEC1")
def test_members_cannot_see_receipts(client, receipt, alice):
    client.force_login(alice)

    response = client.get(reverse("admin:privacy_erasurereceipt_changelist"))

    assert response.status_code == 302
