"""The e-mails of the desk: to requesters in their language, and the team's digest.

Every e-mail to a requester names the request's reference in its subject and
answers to the privacy address, so that a reply lands back on the same request.
Messages the platform writes on its own carry ``Auto-Submitted: auto-generated``
(RFC 3834): auto-responders do not answer them, and the desk ignores mail that
carries it, so an acknowledgement can never start a loop.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from . import deadlines, identity
from .models import DataRequest, DataRequestEvent

AUTOMATIC = {"Auto-Submitted": "auto-generated"}


def format_day(moment: Any) -> str:
    """A deadline as people read it ("28 February 2026"), in the active language."""
    return formats.date_format(deadlines.local_date(moment), "DATE_FORMAT")


def language_of(data_request: DataRequest) -> str:
    return data_request.language or settings.LANGUAGE_CODE


def site_link(view_name: str, *args: Any) -> str:
    """An absolute link for e-mails sent by the task worker (no request at hand)."""
    return settings.SITE_URL + reverse(view_name, args=args)


def to_requester(
    data_request: DataRequest,
    *,
    template: str,
    subject: str | Promise,
    context: dict[str, Any] | None = None,
    automatic: bool = True,
) -> EmailMessage:
    """An e-mail to the requester, rendered in their language."""
    with translation.override(language_of(data_request)):
        full_context = {
            "data_request": data_request,
            "kind": data_request.get_kind_display(),
            "due": format_day(data_request.due_at),
            **(context or {}),
        }
        line = _("[Petite] %(reference)s: %(subject)s") % {
            "reference": data_request.reference,
            "subject": str(subject),
        }
        body = render_to_string(template, full_context)
    return EmailMessage(
        subject=line,
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[data_request.requester_email],
        reply_to=[settings.PETITE_PRIVACY_EMAIL],
        headers=dict(AUTOMATIC) if automatic else {},
    )


def for_event(event: DataRequestEvent) -> EmailMessage | None:
    """The e-mail an event sends to the requester, or None for events that send none."""
    data_request = event.request
    kinds = DataRequestEvent.Kind
    if event.kind == kinds.RECEIVED:
        return to_requester(
            data_request,
            template="datarequests/email/received.txt",
            subject=translation.gettext_lazy("we received your request"),
        )
    if event.kind == kinds.IDENTITY_LINK:
        with translation.override(language_of(data_request)):
            token = identity.make_token(request_id=str(data_request.pk), event_id=event.pk)
            link = site_link("datarequests:confirm", token)
        return to_requester(
            data_request,
            template="datarequests/email/identity_link.txt",
            subject=translation.gettext_lazy("please confirm your request"),
            context={"link": link, "days": identity.MAX_AGE.days},
        )
    if event.kind == kinds.MESSAGE_OUT:
        return to_requester(
            data_request,
            template="datarequests/email/message.txt",
            subject=event.subject,
            context={"text": event.text},
            automatic=False,
        )
    if event.kind == kinds.EXTENDED:
        return to_requester(
            data_request,
            template="datarequests/email/extended.txt",
            subject=translation.gettext_lazy("we need more time to answer"),
            context={"reason": event.text},
        )
    if event.kind == kinds.EXPORTED:
        with translation.override(language_of(data_request)):
            # The export's page in the member's account: signing in leads there.
            link = site_link("rights:export", event.data["export"])
        return to_requester(
            data_request,
            template="datarequests/email/exported.txt",
            subject=translation.gettext_lazy("your data is being prepared"),
            context={"link": link, "days": settings.PETITE_EXPORT_EXPIRY_DAYS},
        )
    if event.kind == kinds.STATUS and event.status in DataRequest.Status.values:
        refused = event.status == DataRequest.Status.REFUSED
        return to_requester(
            data_request,
            template="datarequests/email/closed.txt",
            subject=(
                translation.gettext_lazy("we cannot act on your request")
                if refused
                else translation.gettext_lazy("your request is complete")
            ),
            context={"text": event.text, "refused": refused},
            automatic=False,
        )
    return None


def digest(requests: Sequence[DataRequest], *, quarantined: int, now: Any) -> EmailMessage:
    """The privacy team's daily list: references and dates only, no requester's data."""
    with translation.override(settings.LANGUAGE_CODE):
        today = deadlines.local_date(now)
        rows = []
        for r in requests:
            days = (deadlines.local_date(r.due_at) - today).days
            rows.append(
                {
                    "reference": r.reference,
                    "kind": r.get_kind_display(),
                    "status": r.get_status_display(),
                    "due": format_day(r.due_at),
                    "days": max(days, 0),
                    "overdue_days": max(-days, 0),
                    "link": site_link("admin:datarequests_datarequest_change", r.pk),
                }
            )
        overdue = sum(1 for row in rows if row["overdue_days"])
        body = render_to_string(
            "datarequests/email/digest.txt",
            {"rows": rows, "overdue": overdue, "quarantined": quarantined},
        )
        subject = _("[Petite] Data requests: %(due)d due within 7 days, %(overdue)d overdue") % {
            "due": len(rows) - overdue,
            "overdue": overdue,
        }
    return EmailMessage(
        subject=subject,
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[settings.PETITE_PRIVACY_EMAIL],
        headers=dict(AUTOMATIC),
    )
