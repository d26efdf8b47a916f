"""The consent ledger is the member's data: exported, erased, purged, read-only in the back-office (R1.5)."""

from __future__ import annotations

import datetime as dt
import json
import zipfile
from pathlib import Path

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from petite.accounts.models import Member
from petite.consent import actions
from petite.consent.models import ConsentRecord
from petite.privacy import categories, erasure, export, registry, retention

from .conftest import post_choice

pytestmark = pytest.mark.django_db

OTHER_VISITOR = "b" * 32


def record(member: Member | None, **fields: object) -> ConsentRecord:
    return actions.record_choice(
        visitor_id=str(fields.pop("visitor_id", "a" * 32)),
        consents={"audience": True, "ads": False},
        action=ConsentRecord.Action.CHOOSE,
        member=member,
        language="fr",
    )


def exported(member: Member, tmp_path: Path) -> dict:
    path = tmp_path / "export.zip"
    export.write_archive(member, str(path))
    with zipfile.ZipFile(path) as archive:
        data: dict = json.loads(archive.read("data.json"))
    return data


@pytest.mark.clause("R1.5")
def test_the_ledger_is_declared_as_consent_data() -> None:
    declaration = registry.declaration_for(ConsentRecord)

    assert declaration is not None
    assert declaration.categories == [categories.CONSENT]
    assert declaration.purpose_ids == ["P2", "P7"]
    assert declaration.unclassified() == []
    assert declaration.manage_url == "consent:choose"
    assert declaration.retention.days == 730


@pytest.mark.clause("R1.5")
def test_the_members_choices_are_in_their_export_and_nobody_elses(
    alice: Member, bob: Member, tmp_path: Path
) -> None:
    mine = record(alice)
    record(bob, visitor_id=OTHER_VISITOR)
    record(None, visitor_id=OTHER_VISITOR)  # a visitor who never signed in

    data = exported(alice, tmp_path)

    section = next(r for r in data["records"] if r["model"] == "consent.ConsentRecord")
    assert len(section["items"]) == 1
    item = json.dumps(section["items"][0])
    assert mine.visitor_id in item
    assert mine.banner_version in item
    assert mine.notice_version in item
    assert OTHER_VISITOR not in json.dumps(data)


@pytest.mark.clause("R1.5")
def test_erasing_the_member_erases_their_choices_only(alice: Member, bob: Member) -> None:
    record(alice)
    record(alice)
    bobs = record(bob, visitor_id=OTHER_VISITOR)

    receipt = erasure.erase_member(member=alice, reason="test")

    assert receipt.outcome["consent.ConsentRecord"]["deleted"] == 2
    assert list(ConsentRecord.objects.all()) == [bobs]


@pytest.mark.clause("R1.5")
def test_proof_of_a_choice_is_purged_after_the_retention_period(alice: Member) -> None:
    now = timezone.now()
    with time_machine.travel(now - dt.timedelta(days=731), tick=False):
        old = record(None)
    with time_machine.travel(now - dt.timedelta(days=729), tick=False):
        young = record(alice)

    counts = retention.purge_expired(now=now)

    assert counts["consent.ConsentRecord"] == 1
    assert list(ConsentRecord.objects.all()) == [young]
    assert not ConsentRecord.objects.filter(pk=old.pk).exists()


@pytest.mark.clause("R1.5")
def test_the_your_data_page_links_to_the_choose_page(alice: Member) -> None:
    client = Client()
    client.force_login(alice)
    post_choice(client, "accept_all")

    html = client.get(reverse("rights:index")).content.decode()

    assert reverse("consent:choose") in html


@pytest.mark.clause("R1.5")
def test_staff_read_the_ledger_and_nobody_alters_it(staff_client: Client, alice: Member) -> None:
    row = record(alice)
    changelist = reverse("admin:consent_consentrecord_changelist")

    assert staff_client.get(changelist).status_code == 200
    assert (
        staff_client.get(reverse("admin:consent_consentrecord_change", args=[row.pk])).status_code
        == 200
    )
    assert staff_client.get(reverse("admin:consent_consentrecord_add")).status_code == 403
    response = staff_client.post(
        reverse("admin:consent_consentrecord_delete", args=[row.pk]), {"post": "yes"}
    )
    assert response.status_code == 403
    assert ConsentRecord.objects.filter(pk=row.pk).exists()


@pytest.mark.clause("R1.5")
def test_members_and_visitors_have_no_way_into_the_ledger(alice: Member) -> None:
    changelist = reverse("admin:consent_consentrecord_changelist")
    member = Client()
    member.force_login(alice)

    assert Client().get(changelist).status_code == 302  # to the sign-in page
    assert member.get(changelist).status_code == 302
