"""Object-level access: every order, receipt and case page, for anonymous, another member,
the owner and staff (P3, P9)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from petite.accounts.models import Member
from petite.accounts.tests.factories import signed_in
from petite.payments import actions
from petite.payments.models import Dispute, DisputeEvidence, Offer, Order, Receipt

from .factories import paid_order


@dataclass
class Owned:
    order: Order
    receipt: Receipt
    dispute: Dispute
    evidence: DisputeEvidence


@pytest.fixture
def owned(alice: Member, offer: Offer, clamd: Any) -> Owned:
    order = paid_order(alice, offer)
    dispute = actions.open_member_dispute(
        order=order, member=alice, reason="other", message="Hello"
    )
    evidence = actions.add_dispute_evidence(
        dispute=dispute,
        upload=SimpleUploadedFile("note.txt", b"text", content_type="text/plain"),
        author=alice,
        from_team=False,
    )
    return Owned(order, Receipt.objects.get(order=order), dispute, evidence)


def member_pages(o: Owned) -> list[tuple[str, str, dict[str, Any]]]:
    """(method, url, data) of every page about one order, receipt or case."""
    order, case = o.order.public_id, o.dispute.public_id
    return [
        ("get", reverse("payments:order", args=[order]), {}),
        ("post", reverse("payments:pay", args=[order]), {}),
        ("get", reverse("payments:return", args=[order]), {}),
        ("post", reverse("payments:cancel", args=[order]), {}),
        ("get", reverse("payments:demo", args=[order]), {}),
        ("get", reverse("payments:dispute_new", args=[order]), {}),
        ("get", reverse("payments:receipt", args=[o.receipt.public_id]), {}),
        ("get", reverse("payments:receipt_pdf", args=[o.receipt.public_id]), {}),
        ("get", reverse("payments:dispute", args=[case]), {}),
        ("post", reverse("payments:dispute_message", args=[case]), {"text": "x"}),
        ("post", reverse("payments:dispute_evidence", args=[case]), {}),
        ("get", reverse("payments:dispute_evidence_file", args=[case, o.evidence.pk]), {}),
    ]


def call(client: Client, method: str, url: str, data: dict[str, Any]) -> Any:
    response = client.post(url, data) if method == "post" else client.get(url)
    response.close()  # file downloads stream: close them
    return response


def status(client: Client, url: str) -> int:
    return int(call(client, "get", url, {}).status_code)


@pytest.mark.clause("P3")
@pytest.mark.clause("P9")
def test_anonymous_visitors_are_sent_to_sign_in(owned: Owned) -> None:
    for method, url, data in member_pages(owned):
        response = call(Client(), method, url, data)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("account_login")), url


@pytest.mark.clause("P3")
@pytest.mark.clause("P9")
def test_another_member_gets_not_found(owned: Owned, bob: Member) -> None:
    client = signed_in(bob)
    for method, url, data in member_pages(owned):
        assert call(client, method, url, data).status_code == 404, url
    assert owned.order.reference not in client.get(reverse("payments:orders")).content.decode()


@pytest.mark.clause("P3")
@pytest.mark.clause("P9")
def test_staff_get_not_found_on_member_pages_and_use_the_back_office(
    owned: Owned, staff_client: Client
) -> None:
    for method, url, data in member_pages(owned):
        assert call(staff_client, method, url, data).status_code == 404, url
    back_office = [
        reverse("admin:payments_order_change", args=[owned.order.pk]),
        reverse("admin:payments_receipt_change", args=[owned.receipt.pk]),
        reverse("admin:payments_receipt_pdf", args=[owned.receipt.pk]),
        reverse("admin:payments_dispute_change", args=[owned.dispute.pk]),
        reverse("admin:payments_dispute_evidence_file", args=[owned.dispute.pk, owned.evidence.pk]),
        reverse("admin:payments_order_refund", args=[owned.order.pk]),
        reverse("admin:payments_dispute_message", args=[owned.dispute.pk]),
    ]
    for url in back_office:
        assert status(staff_client, url) == 200, url
    # Members never reach the back-office.
    member = signed_in(owned.order.member)
    for url in back_office:
        assert status(member, url) == 302, url


@pytest.mark.clause("P3")
@pytest.mark.clause("P9")
def test_the_owner_sees_their_pages(owned: Owned) -> None:
    client = signed_in(owned.order.member)
    expected = {
        reverse("payments:order", args=[owned.order.public_id]): 200,
        reverse("payments:receipt", args=[owned.receipt.public_id]): 200,
        reverse("payments:receipt_pdf", args=[owned.receipt.public_id]): 200,
        reverse("payments:dispute", args=[owned.dispute.public_id]): 200,
        reverse(
            "payments:dispute_evidence_file", args=[owned.dispute.public_id, owned.evidence.pk]
        ): 200,
        reverse("payments:dispute_new", args=[owned.order.public_id]): 200,
        # The demo processor is off, and this order was paid with Stripe.
        reverse("payments:demo", args=[owned.order.public_id]): 404,
    }
    for url, code in expected.items():
        assert status(client, url) == code, url
    listing = client.get(reverse("payments:orders")).content.decode()
    assert owned.order.reference in listing
    assert owned.receipt.number in listing
    assert owned.dispute.reference in listing
