"""Demo data of the consent ledger (``manage.py demo_data``): the demo member's
earlier choice (audience measurement yes, personalised advertising no), so that
their export and the back-office show a consent record. Idempotent."""

from __future__ import annotations

from typing import TextIO

from petite.accounts.models import Member

from . import actions, cookies
from .models import ConsentRecord

DEMO_LOCAL_PART = "alice"


def load(stdout: TextIO) -> None:
    member = Member.objects.filter(email__startswith=DEMO_LOCAL_PART + "@").first()
    if member is None or ConsentRecord.objects.filter(member=member).exists():
        return
    actions.record_choice(
        visitor_id=cookies.new_visitor_id(),
        consents={"audience": True, "ads": False},
        action=ConsentRecord.Action.CHOOSE,
        member=member,
        language="en",
    )
    stdout.write("Consent: the demo member's cookie choice is in the ledger.\n")
