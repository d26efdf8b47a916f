"""The disclosure log (S1, S3): what left the Platform about a member, to whom, when.

Code that sends a member's data outside the team (a payment processor call, an
app reading the API) records it here, in the same transaction as the work it
describes, naming the fields it actually sent::

    disclosures.record(
        member=order.member,
        recipient=recipients.STRIPE,
        purpose="P3",
        fields={"email": categories.CONTACT, "amount": categories.PAYMENTS},
        reference=f"order {order.number}",
    )

Members read the log on their pages and in their export (it is a declared model).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db.models import QuerySet

from .categories import Category
from .models import Disclosure
from .purposes import PURPOSES
from .recipients import Recipient


def record(
    *,
    member: Any,
    recipient: Recipient,
    purpose: str,
    fields: Mapping[str, Category],
    recipient_name: str = "",
    reference: str = "",
) -> Disclosure:
    """Write one disclosure: ``fields`` maps each field name sent to its data category."""
    if purpose not in PURPOSES:
        raise ValueError(f"Unknown purpose {purpose!r}.")
    if recipient.key not in {r.key for r in PURPOSES[purpose].recipients}:
        # Sending to someone the notice does not name for this purpose is a bug.
        raise ValueError(f"{recipient.key!r} is not a declared recipient of {purpose}.")
    category_keys = list(dict.fromkeys(category.key for category in fields.values()))
    return Disclosure.objects.create(
        member=member,
        recipient=recipient.key,
        recipient_name=recipient_name or str(recipient.name),
        purpose=purpose,
        categories=category_keys,
        fields=sorted(fields),
        reference=reference[:200],
    )


def for_member(member: Any) -> QuerySet[Disclosure]:
    return Disclosure.objects.filter(member=member)
