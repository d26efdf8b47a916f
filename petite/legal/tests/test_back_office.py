"""The privacy team's back-office for the register (S5, S6): every page answers, every
step goes through its action, refusals are messages and never a 500."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from petite.accounts.models import Member
from petite.legal.models import AuthorityRequest, LegalHold, Transfer


def admin_url(name: str, *args: Any) -> str:
    return reverse(f"admin:legal_{name}", args=args)


@pytest.mark.clause("S5")
def test_staff_record_check_decide_and_produce_a_disclosure(
    staff_client: Client, alice: Member, django_capture_on_commit_callbacks: Any
) -> None:
    for name in ("authorityrequest_changelist", "legalhold_changelist", "transfer_changelist"):
        assert staff_client.get(admin_url(name)).status_code == 200
    assert staff_client.get(admin_url("authorityrequest_add")).status_code == 200

    response = staff_client.post(
        admin_url("authorityrequest_add"),
        {
            "requester": "Department of Justice",
            "authority_type": "police",
            "country": "us",
            "instrument": "Subpoena 42",
            "legal_basis": "18 U.S.C. 2703",
            "received_on": "2026-11-02",
            "identifiers": f"{alice.email}\nnobody-known",
            "categories": ["identity", "contact"],
        },
    )
    assert response.status_code == 302
    request = AuthorityRequest.objects.get()
    assert request.country == "US"
    assert staff_client.get(admin_url("authorityrequest_change", request.pk)).status_code == 200

    decision = {"decision": "comply", "reasons": "Valid subpoena."}
    refused = staff_client.post(admin_url("authorityrequest_decide", request.pk), decision)
    assert refused.status_code == 200
    assert "Art. 48" in refused.content.decode()

    checked = staff_client.post(
        admin_url("authorityrequest_art48", request.pk), {"agreement": "EU-US MLAT"}
    )
    assert checked.status_code == 302
    decided = staff_client.post(admin_url("authorityrequest_decide", request.pk), decision)
    assert decided.status_code == 302

    produced = staff_client.post(admin_url("authorityrequest_produce", request.pk))
    assert produced.status_code == 302
    shown = " ".join(str(m) for m in get_messages(produced.wsgi_request))
    link = re.search(r"/legal/download/[\w-]+/", shown)
    assert link is not None
    with django_capture_on_commit_callbacks(execute=True):
        assert Client().get(link.group(0)).status_code == 200


@pytest.mark.clause("S5")
@pytest.mark.clause("S6")
def test_staff_place_a_hold_and_record_a_transfer(
    staff_client: Client, alice: Member, staff: Member
) -> None:
    response = staff_client.post(
        admin_url("legalhold_add"), {"member": alice.pk, "reason": "Preservation order"}
    )
    assert response.status_code == 302
    hold = LegalHold.objects.get()
    assert hold.member == alice

    lifted = staff_client.post(
        admin_url("legalhold_changelist"), {"action": "lift", "_selected_action": [hold.pk]}
    )
    assert lifted.status_code == 302
    hold.refresh_from_db()
    assert hold.lifted_at is not None

    planned = timezone.localtime(timezone.now() + timedelta(days=10))
    response = staff_client.post(
        admin_url("transfer_add"),
        {
            "recipient": "Grande Plateforme SA",
            "kind": "merger",
            "planned_at_0": planned.strftime("%Y-%m-%d"),
            "planned_at_1": planned.strftime("%H:%M:%S"),
            "categories": ["identity"],
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    transfer = Transfer.objects.get()
    started = staff_client.post(
        admin_url("transfer_changelist"), {"action": "start", "_selected_action": [transfer.pk]}
    )
    shown = " ".join(str(m) for m in get_messages(started.wsgi_request))
    assert "30 days" in shown  # ten days out: refused, with the reason
    transfer.refresh_from_db()
    assert transfer.status == Transfer.Status.DRAFT
