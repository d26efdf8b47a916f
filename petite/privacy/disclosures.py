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

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

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
    hidden_until: datetime | None = None,
) -> Disclosure:
    """Write one disclosure: ``fields`` maps each field name sent to its data category.

    ``hidden_until``: a court forbids telling the member before then (S5); the row
    stays out of their pages and export until that time or until :func:`reveal`."""
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
        hidden_until=hidden_until,
    )


def record_aggregate(
    *, recipient: Recipient, purpose: str, recipient_name: str = "", reference: str = ""
) -> Disclosure:
    """Log a report that holds no one's data (counts with small cells removed) handed to a
    recipient: the log shows staff every hand-over, not only those about a member."""
    if purpose not in PURPOSES:
        raise ValueError(f"Unknown purpose {purpose!r}.")
    if recipient not in PURPOSES[purpose].recipients:
        raise ValueError(f"{recipient.key!r} is not a declared recipient of {purpose}.")
    return Disclosure.objects.create(
        member=None,
        recipient=recipient.key,
        recipient_name=recipient_name or str(recipient.name),
        purpose=purpose,
        categories=[],
        fields=[],
        reference=reference[:200],
    )


def for_member(member: Any) -> QuerySet[Disclosure]:
    """What the member may see: their disclosures, less those still hidden."""
    return Disclosure.objects.filter(member=member).exclude(hidden_until__gt=timezone.now())


def hide_until(ids: Iterable[int], until: datetime | None) -> int:
    """Move the time before which these disclosures stay hidden (an order extended)."""
    return Disclosure.objects.filter(pk__in=list(ids)).update(hidden_until=until)


def reveal(ids: Iterable[int]) -> int:
    """Show these disclosures to their members now (a non-disclosure order lifted)."""
    return (
        Disclosure.objects.filter(pk__in=list(ids))
        .filter(Q(hidden_until__gt=timezone.now()))
        .update(hidden_until=None)
    )
