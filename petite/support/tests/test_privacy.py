"""Help-desk data is declared (P6): shown in "Your data", exported, erased, purged."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from petite.accounts.tests.factories import signed_in
from petite.messaging.tests.conftest import exported_items
from petite.privacy import access
from petite.privacy.access import AccessRecord
from petite.privacy.erasure import erase_member
from petite.privacy.models import ErasureReceipt
from petite.privacy.retention import purge_expired
from petite.support import actions
from petite.support.models import HelpMessage, HelpRequest

from .conftest import open_for

pytestmark = pytest.mark.clause("P6")


@pytest.mark.clause("U3")
def test_help_requests_are_in_your_data_and_the_export_with_internal_notes(alice, staff, db):
    request = open_for(alice, subject="Refund question")
    actions.answer(request=request, author=staff, body="Member was polite", internal=True)

    assert "Help requests" in signed_in(alice).get(reverse("rights:index")).content.decode()
    [item] = exported_items(alice, "support.HelpRequest")
    assert item["subject"] == "Refund question"
    bodies = {m["body"]: m["internal"] for m in exported_items(alice, "support.HelpMessage")}
    # ADR 0018: internal notes are the member's data (Art. 15), marked as notes.
    assert bodies == {"Help me please": False, "Member was polite": True}


@pytest.mark.clause("S4")
@pytest.mark.clause("U3")
def test_the_access_log_is_in_the_export(alice, staff, db):
    access.record_access(staff, alice, ["contact"], {"kind": "help_request", "reference": "#9"})
    [item] = exported_items(alice, "privacy.AccessRecord")
    assert item["categories"] == ["contact"]


@pytest.mark.clause("U5")
def test_erasure_deletes_the_members_requests_threads_and_access_lines(
    alice, bob, staff, transactional_db
):
    open_for(alice)
    open_for(bob, subject="Bob's")
    access.record_access(staff, alice, ["contact"], "case")

    receipt = erase_member(member=alice, reason="test")

    assert receipt.status == ErasureReceipt.Status.VERIFIED, receipt.scan
    assert list(HelpRequest.objects.values_list("subject", flat=True)) == ["Bob's"]
    assert HelpMessage.objects.count() == 1
    assert not AccessRecord.objects.filter(member_id=alice.pk).exists()


def test_a_closed_request_is_purged_three_years_after_closing(alice, staff, db):
    old = open_for(alice, subject="Old")
    actions.set_status(request=old, actor=staff, status="closed")
    still_open = open_for(alice, subject="Still open")

    with time_machine.travel(timezone.now() + timedelta(days=3 * 365 + 1)):
        purge_expired()

    assert list(HelpRequest.objects.values_list("pk", flat=True)) == [still_open.pk]
