"""Malware detections, the rescan of stored files, and lockout waves (P8)."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from petite.accounts.models import Member
from petite.core import malware
from petite.core.errors import ActionRefused
from petite.payments import actions as payments
from petite.payments.models import DisputeEvidence, Offer
from petite.payments.tests.factories import paid_order
from petite.security import actions, tasks
from petite.security.models import Incident, SecurityEvent

pytestmark = pytest.mark.clause("P8")


@pytest.fixture
def offer(db: None) -> Offer:
    return Offer.objects.create(
        slug="gallery", name_en="Gallery", name_fr="Galerie", description_en="A gallery.",
        price_cents=1200,
    )  # fmt: skip


def test_an_infected_upload_is_recorded_and_repeats_open_an_incident(
    clamd: Any, alice: Member, eicar: bytes
) -> None:
    for attempt in range(3):
        with pytest.raises(ActionRefused):
            malware.scan_upload(
                SimpleUploadedFile(f"f{attempt}.txt", eicar),
                source="payments.dispute_evidence",
                uploader=alice,
                ip="90.0.0.1",
            )
        assert SecurityEvent.objects.count() == attempt + 1
        assert Incident.objects.exists() is (attempt == 2)
    events = SecurityEvent.objects.all()
    assert {e.member for e in events} == {alice}
    assert {e.network for e in events} == {"90.0.0.0/16"}
    incident = Incident.objects.get()
    assert incident.source == Incident.Source.MALWARE
    assert set(events.values_list("incident", flat=True)) == {incident.pk}


def test_a_rescan_with_new_signatures_quarantines_and_tells_staff(
    clamd: Any, alice: Member, offer: Offer, eicar: bytes, settings: Any
) -> None:
    case = payments.open_member_dispute(
        order=paid_order(alice, offer), member=alice, reason="other", message="Hello"
    )
    clean = payments.add_dispute_evidence(
        dispute=case,
        upload=SimpleUploadedFile("note.txt", b"what happened", content_type="text/plain"),
        author=alice,
        from_team=False,
    )
    # A file stored when the signatures did not know it yet.
    old = DisputeEvidence(
        dispute=case, original_name="old.txt", content_type="text/plain", size=len(eicar),
        by="member", scan_signature_version="ClamAV 1.4.5/1", uploaded_by=alice,
    )  # fmt: skip
    old.file.save("old.txt", ContentFile(eicar), save=True)
    mail.outbox.clear()

    scanned = tasks.rescan_stored_files.call()

    assert scanned == 1  # the clean file already carries the current version
    old.refresh_from_db()
    assert old.quarantined_at is not None
    assert old.detection.startswith("Petite.Test.EICAR")
    clean.refresh_from_db()
    assert clean.quarantined_at is None
    incident = Incident.objects.get()
    assert incident.integrity
    assert any("quarantined" in m.subject for m in mail.outbox)
    client = Client()
    client.force_login(alice)
    download = client.get(reverse("payments:dispute_evidence_file", args=[case.public_id, old.pk]))
    assert download.status_code == 404
    assert tasks.rescan_stored_files.call() == 0  # nothing left to rescan


def test_lockouts_on_many_accounts_from_one_network_open_one_incident(
    db: None, settings: Any
) -> None:
    settings.PETITE_STUFFING_ACCOUNTS = 5
    results = [
        actions.record_lockout(ip=f"203.0.113.{i}", username=f"victim{i}@example.net")
        for i in range(7)
    ]
    assert [r is not None for r in results] == [False] * 4 + [True] + [False] * 2
    incident = Incident.objects.get()
    assert incident.source == Incident.Source.CREDENTIAL_STUFFING
    assert incident.network == "203.0.0.0/16"
    assert incident.approx_members == 5
