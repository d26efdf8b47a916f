"""Every write of the data-request desk (U2, U3, U4, U6).

Requests arrive here from e-mail (the inbound webhook and the mail-server
command), from a member's account and from staff, and land in one queue
(``intake``). Staff then act through the functions of ``identity`` and
``fulfilment``, each one transaction with an audit record and an event in the
request's history; e-mails go out once the transaction has committed.

Identity comes first (GDPR Art. 12(6)): nothing that discloses, changes or
erases a member's data runs until the request says how the requester was shown
to be that member.

Refusals are :class:`petite.core.errors.ActionRefused` (its subclasses below say which).
"""

from __future__ import annotations

from .common import (
    IDENTITY_BY_LINK,
    IDENTITY_BY_SESSION,
    REFERENCE_PATTERN,
    SUBJECT_MAX_LENGTH,
    TEXT_MAX_LENGTH,
    ExtensionRefused,
    IdentityNotEstablished,
    LinkRefused,
    NoMemberLinked,
    RectificationRefused,
    RequestClosed,
    new_reference,
)
from .fulfilment import (
    change_kind,
    close,
    delete_account,
    erase_data,
    export_data,
    extend_deadline,
    rectify,
    send_message,
)
from .identity import confirm_identity_by_link, establish_identity, send_identity_link
from .intake import append_message, receive_request

__all__ = [
    "IDENTITY_BY_LINK",
    "IDENTITY_BY_SESSION",
    "REFERENCE_PATTERN",
    "SUBJECT_MAX_LENGTH",
    "TEXT_MAX_LENGTH",
    "ExtensionRefused",
    "IdentityNotEstablished",
    "LinkRefused",
    "NoMemberLinked",
    "RectificationRefused",
    "RequestClosed",
    "append_message",
    "change_kind",
    "close",
    "confirm_identity_by_link",
    "delete_account",
    "erase_data",
    "establish_identity",
    "export_data",
    "extend_deadline",
    "new_reference",
    "receive_request",
    "rectify",
    "send_identity_link",
    "send_message",
]
