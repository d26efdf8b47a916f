"""Everything declared (S5, S6): the notice says how authority requests and transfers
are handled, generated from the registry; the register's member rows are erased
with the same rules."""

from __future__ import annotations

from typing import Any

import pytest

from petite.accounts.models import Member
from petite.legal.models import LegalHold, RequestedAccount
from petite.privacy import erasure, registry
from petite.privacy.notice import render_notice

from .conftest import court_request


@pytest.mark.clause("S5")
@pytest.mark.clause("S6")
def test_the_notice_says_how_authority_requests_and_transfers_are_handled(settings: Any) -> None:
    settings.PETITE_TRANSFER_NOTICE_DAYS = 45
    english = render_notice("en")
    french = render_notice("fr")

    assert "Requests from courts and authorities" in english
    assert "Art. 6(1)(c)" in english
    assert "transparency report" in english
    assert "A change of owner of the Platform" in english
    assert "at least 45 days before any data is transferred" in english
    assert "Courts and public authorities, when the law requires it" in english
    assert "A company taking over the Platform" in english
    assert "au moins 45 jours avant tout transfert" in french
    assert "Les tribunaux et les autorités publiques" in french


@pytest.mark.clause("S5")
def test_the_register_rows_naming_a_member_are_declared() -> None:
    for model in (RequestedAccount, LegalHold):
        declaration = registry.declaration_for(model)
        assert declaration is not None
        assert declaration.subject == "member"
        assert {p.id for p in declaration.purposes} == {"S5"}


@pytest.mark.clause("S5")
def test_erasure_keeps_the_register_count_but_not_who_it_named(
    alice: Member, staff: Member
) -> None:
    request = court_request(staff, alice)
    erasure.erase_member(member=alice, reason="test")

    account = RequestedAccount.objects.get(request=request)
    assert account.member_id is None
    assert alice.email not in account.identifier
