"""Authority requests (S5): Art. 48 before anything, a disclosure scoped to what was
decided, encrypted, handed over once, written to the disclosure log."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from django.core.files.storage import default_storage
from django.utils import timezone

from petite.accounts.models import ConnectionEvent, Member
from petite.core.errors import ActionRefused
from petite.core.models import AuditEvent
from petite.legal import actions
from petite.legal.models import AuthorityRequest, Handover
from petite.privacy import disclosures, registry

from .conftest import DAY, archives, at, court_request, take


def connection(member: Member, when: datetime) -> ConnectionEvent:
    return ConnectionEvent.objects.create(
        member=member,
        created_at=when,
        succeeded=True,
        method=ConnectionEvent.Method.PASSWORD,
        ip="90.0.0.1",
        user_agent="Firefox",
        country_code="FR",
        country_name="France",
    )


@pytest.mark.clause("S5")
def test_a_scoped_disclosure_holds_only_the_decided_categories_and_dates(
    alice: Member, bob: Member, staff: Member, django_capture_on_commit_callbacks: Any
) -> None:
    now = timezone.now()
    inside = connection(alice, now - 10 * DAY)
    connection(alice, now - 40 * DAY)  # before the range
    connection(alice, now - 1 * DAY)  # after the range
    connection(bob, now - 10 * DAY)  # not named
    request = court_request(
        staff, alice, categories=("connection", "location", "identity"), since=now - 60 * DAY
    )
    actions.decide(
        request=request,
        actor=staff,
        decision=AuthorityRequest.Decision.PARTIAL,
        reasons="Only the connection log is proportionate.",
        categories=["connection"],
        since=now - 20 * DAY,
        until=now - 5 * DAY,
    )

    handover, token = actions.produce_disclosure(request=request, actor=staff)
    with django_capture_on_commit_callbacks(execute=True):
        response = take(token)

    assert response.status_code == 200
    packages = archives(response.content)
    assert list(packages) == [f"members/{alice.pk}.zip"]
    data = packages[f"members/{alice.pk}.zip"]
    assert data["scope"]["categories"] == ["connection"]
    sections = {record["model"]: record for record in data["records"]}
    # Only models holding connection data, and only their connection fields.
    for record in data["records"]:
        for field in record["fields"]:
            assert field["category"] is None or field["category"]["key"] == "connection"
    connections = sections["accounts.ConnectionEvent"]
    assert [item["id"] for item in connections["items"]] == [inside.pk]
    assert "country_code" not in connections["items"][0]  # location was not decided
    assert "accounts.Member" in sections  # last sign-in is connection data
    assert "first_name" not in sections["accounts.Member"]["items"][0]
    # Stored encrypted, and gone once handed over.
    assert not default_storage.exists(handover.file_name)


@pytest.mark.clause("S5")
def test_the_package_is_encrypted_at_rest(alice: Member, staff: Member) -> None:
    request = court_request(staff, alice)
    actions.decide(
        request=request, actor=staff, decision=AuthorityRequest.Decision.COMPLY, reasons="Valid."
    )
    handover, _token = actions.produce_disclosure(request=request, actor=staff)

    with default_storage.open(handover.file_name, "rb") as stored:
        raw = stored.read()
    assert raw.startswith(b"gAAAAA")  # a Fernet token
    assert alice.email.encode() not in raw
    assert b"PK" not in raw[:4]


@pytest.mark.clause("S5")
def test_a_request_from_outside_the_eu_is_refused_until_the_art48_check(
    alice: Member, staff: Member
) -> None:
    request = court_request(staff, alice, country="US")
    assert request.outside_eu

    with pytest.raises(ActionRefused, match=r"Art\. 48") as refused:
        actions.decide(
            request=request, actor=staff, decision=AuthorityRequest.Decision.COMPLY, reasons="x"
        )
    assert refused.value.code == "legal.art48"
    request.refresh_from_db()
    assert request.decision == AuthorityRequest.Decision.PENDING

    actions.record_art48_check(
        request=request, actor=staff, agreement="EU-US mutual legal assistance agreement"
    )
    decided = actions.decide(
        request=request, actor=staff, decision=AuthorityRequest.Decision.COMPLY, reasons="MLAT."
    )
    assert decided.decision == AuthorityRequest.Decision.COMPLY
    assert AuditEvent.objects.filter(action="legal.third_country_order_checked").count() == 1


@pytest.mark.clause("S5")
def test_a_refusal_is_recorded_with_reasons_and_produces_nothing(
    alice: Member, staff: Member
) -> None:
    request = court_request(staff, alice, country="US")
    with pytest.raises(ActionRefused, match="reasons"):
        actions.decide(
            request=request, actor=staff, decision=AuthorityRequest.Decision.REFUSE, reasons=" "
        )
    actions.decide(
        request=request,
        actor=staff,
        decision=AuthorityRequest.Decision.REFUSE,
        reasons="A foreign order with no agreement is no legal basis (Art. 48).",
    )
    with pytest.raises(ActionRefused):
        actions.produce_disclosure(request=request, actor=staff)
    assert not Handover.objects.exists()


@pytest.mark.clause("S5")
def test_a_partial_answer_never_holds_more_than_was_asked(alice: Member, staff: Member) -> None:
    request = court_request(staff, alice, categories=("connection",))
    with pytest.raises(ActionRefused, match="did not ask"):
        actions.decide(
            request=request,
            actor=staff,
            decision=AuthorityRequest.Decision.PARTIAL,
            reasons="x",
            categories=["connection", "messages"],
        )


@pytest.mark.clause("S5")
def test_the_link_works_once_and_expires(alice: Member, staff: Member, settings: object) -> None:
    request = court_request(staff, alice)
    actions.decide(
        request=request, actor=staff, decision=AuthorityRequest.Decision.COMPLY, reasons="Valid."
    )
    _handover, token = actions.produce_disclosure(request=request, actor=staff)
    assert take(token).status_code == 200
    assert take(token).status_code == 410
    assert take("not-a-token").status_code == 404

    request2 = court_request(staff, alice)
    actions.decide(
        request=request2, actor=staff, decision=AuthorityRequest.Decision.COMPLY, reasons="Ok."
    )
    _handover, late = actions.produce_disclosure(request=request2, actor=staff)
    with at(timezone.now() + timedelta(hours=73)):
        assert take(late).status_code == 410
    assert AuditEvent.objects.filter(action="legal.disclosure_download_refused").count() == 2


@pytest.mark.clause("S5")
def test_the_download_writes_the_disclosure_log_naming_the_authority(
    alice: Member, staff: Member
) -> None:
    request = court_request(staff, alice)
    actions.decide(
        request=request, actor=staff, decision=AuthorityRequest.Decision.COMPLY, reasons="Valid."
    )
    _handover, token = actions.produce_disclosure(request=request, actor=staff)
    assert not disclosures.for_member(alice).exists()

    take(token)

    logged = disclosures.for_member(alice).get()
    assert logged.recipient == "authorities"
    assert logged.recipient_name == "Tribunal judiciaire de Paris"
    assert logged.purpose == "S5"
    assert set(logged.categories) == {"connection", "identity"}
    assert "first_name" in logged.fields
    # The member's "Your data" reads the same rows.
    declaration = registry.declaration_for(type(logged))
    assert declaration is not None
    assert list(declaration.queryset_for(alice)) == [logged]
