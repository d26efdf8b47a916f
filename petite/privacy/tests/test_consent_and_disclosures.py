"""The privacy core's consent question and disclosure log (R1.5, S1, S3)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.test import RequestFactory

from petite.accounts.models import Member
from petite.privacy import categories, consent, disclosures, purposes
from petite.privacy.recipients import recipients


@pytest.fixture
def sources() -> Iterator[dict[str, Any]]:
    """Swap the registered consent sources for the test's own, and put them back."""
    saved = dict(consent._sources)
    consent._sources.clear()
    try:
        yield consent._sources
    finally:
        consent._sources.clear()
        consent._sources.update(saved)


@pytest.mark.clause("R1.5")
def test_a_consent_nobody_answers_for_is_refused(sources: dict[str, Any], alice: Member) -> None:
    assert consent.given(purposes.P7, member=alice) is False
    assert consent.given("P10", member=alice, topic="newsletter") is False


@pytest.mark.clause("R1.5")
def test_the_answer_comes_from_the_app_that_records_the_consent(
    sources: dict[str, Any], alice: Member, bob: Member
) -> None:
    asked: list[tuple[Any, Any]] = []

    def ads(*, request: Any, member: Any, topic: Any) -> bool:
        asked.append((member, topic))
        return member == alice

    consent.provide("ads", ads)
    request = RequestFactory().get("/")
    request.user = bob

    assert consent.given(purposes.P7, member=alice) is True
    assert consent.given(purposes.P7, request=request) is False
    # The member is found in the request when the caller only has the request.
    assert asked == [(alice, None), (bob, None)]


@pytest.mark.clause("R1.5")
def test_asking_about_a_purpose_that_needs_no_consent_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="P3 is not based on consent"):
        consent.given(purposes.P3)


@pytest.mark.clause("S1")
@pytest.mark.clause("S3")
def test_a_disclosure_records_who_received_which_fields(alice: Member) -> None:
    disclosure = disclosures.record(
        member=alice,
        recipient=recipients.STRIPE,
        purpose="P3",
        fields={"email": categories.CONTACT, "amount": categories.PAYMENTS},
        reference="order 7",
    )

    stored = disclosures.for_member(alice).get()
    assert stored == disclosure
    assert (stored.recipient, stored.recipient_name, stored.purpose) == ("stripe", "Stripe", "P3")
    assert stored.fields == ["amount", "email"]
    assert stored.categories == ["contact", "payments"]


@pytest.mark.clause("S1")
def test_a_recipient_the_notice_does_not_name_for_the_purpose_is_refused(alice: Member) -> None:
    with pytest.raises(ValueError, match="not a declared recipient of P5"):
        disclosures.record(
            member=alice,
            recipient=recipients.STRIPE,
            purpose="P5",
            fields={"email": categories.CONTACT},
        )
    assert not disclosures.for_member(alice).exists()
