"""Disputes (P9): the processors' and the members', as cases with a history and a deadline."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from petite.accounts.models import Member
from petite.accounts.tests.factories import signed_in
from petite.core.errors import ActionRefused
from petite.payments import actions
from petite.payments.models import Dispute, DisputeEvent, DisputeEvidence, Offer, Receipt
from petite.privacy import retention

from .conftest import send_paypal_event, send_stripe_event
from .factories import paid_order

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.mark.clause("P9")
def test_a_stripe_dispute_opens_a_case_and_follows_its_updates(
    alice: Member, offer: Offer, stripe_api: Any, django_capture_on_commit_callbacks: Any
) -> None:
    order = paid_order(alice, offer)
    due = int(time.time()) + 7 * 86400
    dispute = {
        "id": "dp_123",
        "object": "dispute",
        "charge": order.provider_charge_reference,
        "payment_intent": order.provider_reference,
        "amount": 1250,
        "reason": "product_not_received",
        "status": "needs_response",
        "evidence_details": {"due_by": due},
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = send_stripe_event(Client(), "charge.dispute.created", dispute)
    assert response.json() == {"outcome": "dispute"}
    case = Dispute.objects.get(provider_reference="dp_123")
    assert (case.source, case.order, case.member, case.status) == (
        "stripe",
        order,
        alice,
        Dispute.Status.NEEDS_RESPONSE,
    )
    assert case.receipt == Receipt.objects.get(order=order)
    assert case.respond_by is not None
    assert int(case.respond_by.timestamp()) == due
    (team_mail,) = mail.outbox
    assert case.reference in team_mail.subject
    assert alice.email not in team_mail.body

    send_stripe_event(Client(), "charge.dispute.updated", {**dispute, "status": "under_review"})
    send_stripe_event(Client(), "charge.dispute.closed", {**dispute, "status": "won"})
    case.refresh_from_db()
    assert case.status == Dispute.Status.WON
    assert case.closed_at is not None
    assert [e.status for e in case.events.all()] == ["needs_response", "under_review", "won"]
    assert Dispute.objects.count() == 1


@pytest.mark.clause("P9")
def test_a_paypal_dispute_opens_a_case(alice: Member, offer: Offer, paypal_api: Any) -> None:
    order = paid_order(alice, offer, provider="paypal")
    resource = {
        "dispute_id": "PP-D-4242",
        "reason": "MERCHANDISE_OR_SERVICE_NOT_RECEIVED",
        "status": "WAITING_FOR_SELLER_RESPONSE",
        "dispute_amount": {"currency_code": "EUR", "value": "12.50"},
        "seller_response_due_date": "2030-01-10T10:00:00Z",
        "disputed_transactions": [{"seller_transaction_id": order.provider_charge_reference}],
    }
    response = send_paypal_event(Client(), "CUSTOMER.DISPUTE.CREATED", resource)
    assert response.json() == {"outcome": "dispute"}
    case = Dispute.objects.get(provider_reference="PP-D-4242")
    assert (case.source, case.order, case.status, case.amount_cents) == (
        "paypal",
        order,
        Dispute.Status.NEEDS_RESPONSE,
        1250,
    )
    assert case.respond_by == datetime(2030, 1, 10, 10, tzinfo=UTC)
    resolved = {
        **resource,
        "status": "RESOLVED",
        "dispute_outcome": {"outcome_code": "RESOLVED_BUYER_FAVOUR"},
    }
    send_paypal_event(Client(), "CUSTOMER.DISPUTE.RESOLVED", resolved)
    case.refresh_from_db()
    assert case.status == Dispute.Status.LOST
    assert case.closed_at is not None


@pytest.mark.clause("P9")
@pytest.mark.usefixtures("clamd")
def test_a_member_opens_a_dispute_and_the_team_answers_it(
    alice: Member,
    offer: Offer,
    staff_client: Client,
    settings: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    order = paid_order(alice, offer)
    client = signed_in(alice)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("payments:dispute_new", args=[order.public_id]),
            {"reason": "not_as_described", "message": "The gallery has two pictures, not six."},
        )
    case = Dispute.objects.get(source=Dispute.Source.MEMBER)
    assert response["Location"] == reverse("payments:dispute", args=[case.public_id])
    assert case.member == alice
    assert case.order == order
    assert case.respond_by is not None
    assert (case.respond_by - case.opened_at).days == settings.PETITE_DISPUTE_RESPONSE_DAYS
    assert [e.kind for e in case.events.all()] == ["opened", "message"]
    assert mail.outbox[0].to == [settings.PETITE_TEAM_EMAIL]

    again = client.post(
        reverse("payments:dispute_new", args=[order.public_id]),
        {"reason": "other", "message": "again"},
    )
    assert "already open" in again.content.decode()

    # The member adds a document; a renamed executable and an oversized file are refused.
    upload = SimpleUploadedFile("receipt-scan.pdf", PDF, content_type="application/pdf")
    client.post(reverse("payments:dispute_evidence", args=[case.public_id]), {"file": upload})
    evidence = DisputeEvidence.objects.get()
    assert evidence.original_name == "receipt-scan.pdf"
    assert evidence.by == "member"
    assert "receipt-scan" not in str(evidence.file.name)
    fake = SimpleUploadedFile("photo.png", b"MZ\x90\x00binary", content_type="image/png")
    refused = client.post(
        reverse("payments:dispute_evidence", args=[case.public_id]), {"file": fake}
    )
    assert refused.status_code == 400
    assert "does not match" in refused.content.decode()
    settings.PETITE_DISPUTE_EVIDENCE_MAX_BYTES = 10
    big = SimpleUploadedFile("big.pdf", PDF, content_type="application/pdf")
    refused = client.post(
        reverse("payments:dispute_evidence", args=[case.public_id]), {"file": big}
    )
    assert refused.status_code == 400
    assert "too large" in refused.content.decode()
    assert DisputeEvidence.objects.count() == 1
    download = client.get(
        reverse("payments:dispute_evidence_file", args=[case.public_id, evidence.pk])
    )
    assert b"".join(download.streaming_content) == PDF  # type: ignore[attr-defined]
    download.close()

    # The back-office queue shows it, and the team writes and closes it.
    queue = staff_client.get(reverse("admin:payments_dispute_changelist") + "?deadline=open")
    assert case.reference in queue.content.decode()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(
            reverse("admin:payments_dispute_message", args=[case.pk]),
            {"text": "We are sorry: the gallery is fixed."},
        )
    (to_member,) = mail.outbox
    assert to_member.to == [alice.email]
    assert case.reference in to_member.subject
    assert "gallery is fixed" not in to_member.body  # read it on the Platform
    staff_client.post(
        reverse("admin:payments_dispute_status", args=[case.pk]),
        {"status": "resolved", "note": ""},
    )
    case.refresh_from_db()
    assert case.status == Dispute.Status.RESOLVED
    assert case.closed_at is not None
    page = client.get(reverse("payments:dispute", args=[case.public_id])).content.decode()
    assert "the gallery is fixed" in page
    assert "This case is closed." in page
    assert [e.kind for e in case.events.all()] == [
        "opened",
        "message",
        "evidence",
        "message",
        "status",
    ]


@pytest.mark.clause("P9")
def test_a_dispute_can_be_opened_only_about_a_paid_order(alice: Member, offer: Offer) -> None:
    from .factories import pending_order

    with pytest.raises(ActionRefused):
        actions.open_member_dispute(
            order=pending_order(alice, offer), member=alice, reason="other", message="x"
        )


@pytest.mark.clause("P9")
@pytest.mark.usefixtures("clamd")
def test_closed_cases_are_purged_after_the_legal_claims_period_with_their_files(
    alice: Member, offer: Offer, settings: Any
) -> None:
    order = paid_order(alice, offer)
    with time_machine.travel(datetime(2026, 1, 5, tzinfo=UTC)):
        closed = actions.open_member_dispute(order=order, member=alice, reason="other", message="a")
        upload = SimpleUploadedFile("note.txt", b"what happened", content_type="text/plain")
        evidence = actions.add_dispute_evidence(
            dispute=closed, upload=upload, author=alice, from_team=False
        )
        actions.change_dispute_status(dispute=closed, status="resolved", actor=alice)
    still_open = actions.open_member_dispute(order=order, member=alice, reason="other", message="b")
    stored = str(evidence.file.name)
    years = timedelta(days=settings.PETITE_DISPUTE_RETENTION_DAYS)

    retention.purge_expired(now=datetime(2026, 1, 5, tzinfo=UTC) + years - timedelta(days=1))
    assert Dispute.objects.filter(pk=closed.pk).exists()
    retention.purge_expired(now=datetime(2026, 1, 6, tzinfo=UTC) + years + timedelta(days=1))
    assert not Dispute.objects.filter(pk=closed.pk).exists()
    assert not DisputeEvent.objects.filter(dispute_id=closed.pk).exists()
    # An open case is never purged, however old.
    assert Dispute.objects.filter(pk=still_open.pk).exists()
    # The row went with its case; the daily housekeeping removes the file.
    assert default_storage.exists(stored)
    with time_machine.travel(datetime.now(tz=UTC) + timedelta(hours=2)):
        assert actions.sweep_orphan_evidence() == 1
    assert not default_storage.exists(stored)
