"""Receipts: numbered without gaps, immutable, kept 10 years through erasure, then purged (P3)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from petite.accounts.models import Member
from petite.accounts.tests.factories import MemberFactory, address
from petite.core.errors import ActionRefused
from petite.payments import actions
from petite.payments.models import (
    Dispute,
    DisputeEvent,
    ImmutableError,
    Offer,
    Order,
    Receipt,
    Refund,
)
from petite.payments.providers.base import Outcome, PaymentState
from petite.privacy import erasure, retention
from petite.privacy.models import Disclosure, ErasureReceipt
from petite.privacy.recipients import recipients

from .factories import paid_order, pending_order


@pytest.mark.clause("P3")
def test_receipt_numbers_follow_each_other_without_gaps_and_restart_each_year(
    alice: Member, bob: Member, offer: Offer
) -> None:
    with time_machine.travel(datetime(2026, 12, 31, 10, tzinfo=UTC)):
        first = paid_order(alice, offer)
        # A failed payment issues no number, so it leaves no gap.
        actions.settle(
            order=pending_order(bob, offer),
            state=PaymentState(reference="", outcome=Outcome.FAILED, failure_code="card_declined"),
            via="test",
        )
        second = paid_order(bob, offer)
    with time_machine.travel(datetime(2027, 1, 1, 9, tzinfo=UTC)):
        third = paid_order(alice, offer)
    numbers = [Receipt.objects.get(order=o).number for o in (first, second, third)]
    assert numbers == ["2026-000001", "2026-000002", "2027-000001"]


@pytest.mark.clause("P3")
def test_settling_twice_issues_one_receipt(alice: Member, offer: Offer) -> None:
    order = paid_order(alice, offer)
    actions.settle(
        order=order,
        state=PaymentState(reference=order.provider_reference, outcome=Outcome.SUCCEEDED),
        via="test",
    )
    assert Receipt.objects.filter(order=order).count() == 1


@pytest.mark.clause("P3")
def test_a_payment_for_another_amount_is_not_settled(alice: Member, offer: Offer) -> None:
    order = pending_order(alice, offer)
    with pytest.raises(ActionRefused):
        actions.settle(
            order=order,
            state=PaymentState(reference="", outcome=Outcome.SUCCEEDED, amount_cents=1),
            via="test",
        )
    order.refresh_from_db()
    assert order.status == Order.Status.PENDING
    assert not Receipt.objects.exists()


@pytest.mark.clause("P3")
def test_a_receipt_cannot_be_changed_or_deleted(alice: Member, offer: Offer) -> None:
    receipt = Receipt.objects.get(order=paid_order(alice, offer))
    receipt.amount_cents = 1
    with pytest.raises(ImmutableError):
        receipt.save()
    with pytest.raises(ImmutableError):
        receipt.delete()
    receipt.refresh_from_db()
    assert receipt.amount_cents == 1250


@pytest.mark.clause("P3")
def test_erasure_keeps_the_receipts_pseudonymised_and_the_scan_finds_nothing_else(
    db: None, offer: Offer
) -> None:
    zoe = MemberFactory.create(
        first_name="Zoéline", last_name="Vandersteen", email=address("zoeline.vds")
    )
    orders = [paid_order(zoe, offer), paid_order(zoe, offer, provider="paypal")]
    receipts = list(Receipt.objects.filter(order__in=orders))
    Refund.objects.create(
        order=orders[0],
        receipt=receipts[0],
        amount_cents=250,
        status="succeeded",
        idempotency_key="k-1",
        provider_reference="re_1",
    )
    Disclosure.objects.create(member=zoe, recipient=recipients.STRIPE.key, purpose="P3")

    proof = erasure.erase_member(member=zoe, reason="test")

    assert proof.status == ErasureReceipt.Status.VERIFIED
    assert proof.scan["clean"] is True
    assert proof.scan["findings"] == []
    assert not Order.objects.exists()
    assert not Disclosure.objects.exists()
    for before in receipts:
        after = Receipt.objects.get(pk=before.pk)
        assert after.member is None
        assert after.order is None
        assert after.buyer_name == "[erased]"
        assert after.buyer_email.endswith("@erased.invalid")
        # What accounting needs stays.
        assert (after.number, after.amount_cents, after.provider_reference) == (
            before.number,
            before.amount_cents,
            before.provider_reference,
        )
    assert Refund.objects.get().amount_cents == 250
    assert proof.outcome["payments.Receipt"]["anonymised"] == 2
    assert "accounting" in proof.outcome["payments.Receipt"]["kept_because"]["amount_cents"]


@pytest.mark.clause("P3")
def test_receipts_are_purged_after_the_accounting_retention_only(
    alice: Member, offer: Offer, settings: object
) -> None:
    with time_machine.travel(datetime(2026, 3, 1, tzinfo=UTC)):
        order = paid_order(alice, offer)
    receipt = Receipt.objects.get(order=order)
    ten_years = timedelta(days=3653)
    retention.purge_expired(now=receipt.issued_at + ten_years - timedelta(days=1))
    assert Receipt.objects.filter(pk=receipt.pk).exists()
    counts = retention.purge_expired(now=receipt.issued_at + ten_years + timedelta(days=1))
    assert counts["payments.Receipt"] == 1
    assert not Receipt.objects.filter(pk=receipt.pk).exists()
    # The order is the member's and lives with the account.
    assert Order.objects.filter(pk=order.pk).exists()


@pytest.mark.clause("P9")
def test_erasure_keeps_an_open_dispute_for_legal_claims_without_the_member(
    db: None, offer: Offer
) -> None:
    zoe = MemberFactory.create(
        first_name="Zoéline", last_name="Vandersteen", email=address("zoeline.vdz")
    )
    order = paid_order(zoe, offer)
    dispute = actions.open_member_dispute(
        order=order, member=zoe, reason="not_received", message="Nothing arrived."
    )
    proof = erasure.erase_member(member=zoe, reason="test")
    dispute.refresh_from_db()
    assert dispute.member is None
    assert dispute.order is None
    assert dispute.receipt is not None
    assert dispute.order_reference == order.reference
    assert DisputeEvent.objects.filter(dispute=dispute, text="Nothing arrived.").exists()
    assert proof.scan["clean"] is True
    assert Dispute.objects.filter(closed_at__isnull=True).count() == 1
    assert timezone.now() > dispute.opened_at


@pytest.mark.clause("P3")
def test_staff_put_an_offer_on_sale_and_the_audit_trail_says_who(staff, staff_client):
    from petite.core.models import AuditEvent
    from petite.payments.models import Offer

    response = staff_client.post(
        reverse("admin:payments_offer_add"),
        {
            "slug": "star-map",
            "name_en": "Star map",
            "name_fr": "Carte du ciel",
            "description_en": "A printed map.",
            "description_fr": "Une carte imprimée.",
            "price_cents": "900",
            "active": "on",
        },
    )

    assert response.status_code == 302
    offer = Offer.objects.get(slug="star-map")
    event = AuditEvent.objects.get(action="payments.offer_created")
    assert (event.actor, event.target_id) == (staff, str(offer.pk))
