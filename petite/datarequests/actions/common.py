"""What every data-request action shares: the refusals, references, the history, the locks."""

from __future__ import annotations

import logging
import secrets
from datetime import datetime
from typing import Any

from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from petite.accounts.models import Member
from petite.core.deferred import follow_up
from petite.core.errors import ActionRefused

from .. import deadlines
from ..models import DataRequest, DataRequestEvent

logger = logging.getLogger(__name__)


Status = DataRequest.Status
Event = DataRequestEvent.Kind

# How identity was established, stored in English and shown translated.
IDENTITY_BY_LINK = gettext_noop("confirmed by a link sent to the account's verified address")
IDENTITY_BY_SESSION = gettext_noop("signed-in session, recent authentication")

# Crockford's base32 alphabet: no I, L, O or U to misread when a reference is
# typed from a letter or read over the phone.
_REFERENCE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
REFERENCE_PATTERN = r"DR-\d{4}-[0-9A-HJKMNP-TV-Z]{6}"
SUBJECT_MAX_LENGTH = 300
TEXT_MAX_LENGTH = 100_000


class IdentityNotEstablished(ActionRefused):
    """Nothing that discloses, changes or erases data runs before identity is established."""


class RequestClosed(ActionRefused):
    """A closed request takes no more steps."""


class NoMemberLinked(ActionRefused):
    """The request names no account to act on."""


class ExtensionRefused(ActionRefused):
    """The deadline cannot be extended (again, or without a reason)."""


class RectificationRefused(ActionRefused):
    """The correction asked for cannot be made."""


class LinkRefused(ActionRefused):
    """An identity link that is unknown, used or expired."""


def new_reference(received_at: datetime) -> str:
    """A reference such as DR-2026-7K3M9Q: random, so that it says nothing about
    how many requests we receive and cannot be guessed to reach someone else's."""
    year = deadlines.local_date(received_at).year
    for _attempt in range(10):
        code = "".join(secrets.choice(_REFERENCE_ALPHABET) for _ in range(6))
        reference = f"DR-{year}-{code}"
        if not DataRequest.objects.filter(reference=reference).exists():
            return reference
    raise RuntimeError("Could not draw a free data-request reference.")  # 32**6 codes a year


send_event_email = follow_up("petite.datarequests.tasks.send_event_email")


def _event(
    data_request: DataRequest,
    kind: str,
    *,
    actor: Member | None = None,
    subject: str = "",
    text: str = "",
    data: dict[str, Any] | None = None,
    sealed: str = "",
    notify: bool = False,
) -> DataRequestEvent:
    """Add a step to the history; with ``notify``, e-mail the requester after commit.

    The e-mail task reads the event when it runs. ``notify`` is kept in the
    event's data, which erasure blanks: an e-mail queued just before the
    requester was erased is then not sent to the anonymised address.
    """
    details = dict(data or {})
    if notify:
        details["notify"] = True
    event = DataRequestEvent.objects.create(
        request=data_request,
        kind=kind,
        actor=actor if actor is not None and actor.pk else None,
        status=data_request.status,
        subject=subject[:SUBJECT_MAX_LENGTH],
        text=text[:TEXT_MAX_LENGTH],
        data=details,
        sealed=sealed,
    )
    if notify:
        event_id = event.pk
        send_event_email.after_commit(event_id)
    return event


def _locked(data_request: DataRequest) -> DataRequest:
    """The request, re-read and locked: two staff pressing a button at once act once."""
    return DataRequest.objects.select_for_update().get(pk=data_request.pk)


def _require_open(data_request: DataRequest) -> None:
    if data_request.is_closed:
        raise RequestClosed(
            _("Request %(reference)s is closed: nothing more can be done on it.")
            % {"reference": data_request.reference}
        )


def _require_identity(data_request: DataRequest) -> Member:
    """The member the request is about, once identity is established; else refuse."""
    _require_open(data_request)
    if not data_request.identity_established:
        raise IdentityNotEstablished(
            _(
                "The requester's identity is not established yet: record how it was "
                "established (or wait for the confirmation link) before acting on the request."
            )
        )
    if data_request.member is None:
        raise NoMemberLinked(
            _(
                "This request is linked to no member: there is no account whose data "
                "could be exported, corrected or erased."
            )
        )
    return data_request.member
