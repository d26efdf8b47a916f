"""Choices, their proof and the campaigns sent are in the member's export and go with
their account; the suppression list outlives it, holding only a keyed fingerprint (P10)."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path
from typing import Any

import pytest
from django.core import mail

from petite.accounts.models import Member
from petite.accounts.tests.factories import MemberFactory
from petite.marketing import actions
from petite.marketing.addresses import address_hash
from petite.marketing.models import (
    Campaign,
    CampaignDelivery,
    ConsentRecord,
    Subscription,
    Suppression,
)
from petite.privacy import categories, consent, export, purposes, registry
from petite.privacy.erasure import erase_member

from .conftest import subscribe
from .factories import CampaignFactory

pytestmark = pytest.mark.clause("P10")


def archive(member: Member, tmp_path: Path) -> dict[str, Any]:
    path = tmp_path / "archive.zip"
    export.write_archive(member, str(path))
    with zipfile.ZipFile(path) as zf:
        data: dict[str, Any] = json.loads(zf.read("data.json"))
    return data


def items(data: dict[str, Any], label: str) -> list[dict[str, Any]]:
    section = next(r for r in data["records"] if r["model"] == label)
    found: list[dict[str, Any]] = section["items"]
    return found


@pytest.fixture
def engaged(alice, staff, newsletter, offers, django_capture_on_commit_callbacks) -> Member:
    """Alice chose both topics, received a newsletter, withdrew the offers, and her
    address later bounced."""
    subscribe(alice, newsletter, offers)
    with django_capture_on_commit_callbacks(execute=True):
        actions.start_sending(campaign=CampaignFactory.create(topic=newsletter), actor=staff)
    actions.withdraw(member=alice, topics=[offers], source="preferences")  # type: ignore[arg-type]
    actions.suppress(address=alice.email, reason=Suppression.Reason.BOUNCE)
    return alice


def test_every_model_is_declared_under_marketing_and_p10():
    labels = {
        "marketing.Subscription",
        "marketing.ConsentRecord",
        "marketing.CampaignDelivery",
        "marketing.Suppression",
    }
    declared = {d.label: d for d in registry.declarations() if d.label in labels}
    assert set(declared) == labels
    for declaration in declared.values():
        assert {p.category.key for p in declaration.fields.values()} == {categories.MARKETING.key}
        assert {pid for p in declaration.fields.values() for pid in p.purposes} == {"P10"}
    assert purposes.P10.consent == "marketing"


def test_the_export_holds_the_choices_their_proof_the_campaigns_and_the_block(engaged, tmp_path):
    data = archive(engaged, tmp_path)

    assert [s["topic"] for s in items(data, "marketing.Subscription")] == ["newsletter"]
    proof = items(data, "marketing.ConsentRecord")
    assert sorted((r["topic"], r["choice"], r["source"]) for r in proof) == [
        ("newsletter", "opt_in", "preferences"),
        ("offers", "opt_in", "preferences"),
        ("offers", "opt_out", "preferences"),
    ]
    assert all(r["at"] and r["wording"] for r in proof)
    [delivery] = items(data, "marketing.CampaignDelivery")
    assert delivery["status"] == "sent"
    assert delivery["sent_at"]
    [block] = items(data, "marketing.Suppression")
    assert block["reason"] == "bounce"
    assert block["address_hash"] == address_hash(engaged.email)


def test_erasure_removes_choices_proof_and_deliveries_and_keeps_the_block_unlinked(
    engaged, bob, newsletter
):
    subscribe(bob, newsletter)
    address = engaged.email

    receipt = erase_member(member=engaged, reason="Member asked for it")

    assert not Subscription.objects.exclude(member=bob).exists()
    assert not ConsentRecord.objects.exclude(member=bob).exists()
    assert not CampaignDelivery.objects.exists()
    entry = Suppression.objects.get()
    assert (entry.member_id, entry.reason) == (None, Suppression.Reason.BOUNCE)
    assert entry.address_hash == address_hash(address)
    assert receipt.outcome["marketing.Suppression"]["kept"] == 1
    # The scan searched every table for her address and names: the fingerprint is not one.
    assert receipt.scan["clean"] is True, receipt.scan["findings"]
    assert receipt.scan["identifiers"]["searched"] >= 1
    # Bob's choice is untouched; the campaign stays as the record of what was sent.
    assert Subscription.objects.filter(member=bob).exists()
    assert Campaign.objects.count() == 1


def test_the_block_still_stops_mail_to_the_address_after_the_account_is_gone(
    engaged, staff, newsletter, django_capture_on_commit_callbacks
):
    address = engaged.email
    erase_member(member=engaged, reason="Member asked for it")
    mail.outbox.clear()

    again = MemberFactory.create(email=address)
    subscribe(again, newsletter)
    with django_capture_on_commit_callbacks(execute=True):
        actions.start_sending(campaign=CampaignFactory.create(topic=newsletter), actor=staff)

    assert not consent.given(purposes.P10, member=again, topic="newsletter")
    assert mail.outbox == []


def test_the_account_deletion_page_says_the_block_is_kept_and_why(alice, password):
    from petite.accounts.selectors import kept_by_law

    kept = {k.name: k for k in kept_by_law()}

    # Named as members read it (the declaration's label), not by its model name.
    assert "Addresses we no longer write to" in kept
    assert (
        "only a keyed fingerprint of the address is kept"
        in kept["Addresses we no longer write to"].reasons[0]
    )
