"""The desk's own records are declared to the privacy registry, and the fields staff
may correct are read from it (U4, U5)."""

from __future__ import annotations

import pytest

from petite.datarequests import rectification
from petite.datarequests.models import DataRequest, DataRequestEvent
from petite.privacy.declarations import Erasure
from petite.privacy.registry import declaration_for


@pytest.mark.clause("U5")
@pytest.mark.parametrize("model", [DataRequest, DataRequestEvent])
def test_every_field_of_the_desk_is_classified(model):
    declaration = declaration_for(model)

    assert declaration is not None
    assert declaration.unclassified() == []


@pytest.mark.clause("U5")
def test_erasure_keeps_the_request_with_an_anonymised_address():
    declaration = declaration_for(DataRequest)

    assert declaration is not None
    assert not declaration.deletes_rows
    assert declaration.fields["requester_email"].erasure is Erasure.ANONYMISE
    assert declaration.fields["requester_name"].erasure is Erasure.BLANK


@pytest.mark.clause("U4")
def test_staff_may_correct_the_fields_members_gave_and_nothing_else():
    keys = {field.key for field in rectification.rectifiable_fields()}

    assert {
        "accounts.Member.first_name",
        "accounts.Member.last_name",
        "portraits.Portrait.bio",
        "portraits.Portrait.street",
    } <= keys
    assert not keys & {
        "accounts.Member.email",
        "accounts.Member.password",
        "accounts.Member.is_active",
        "accounts.ConnectionEvent.ip",
        "datarequests.DataRequest.requester_email",
    }
