"""The connection log's listeners on allauth's signals.

DESIGN.md keeps business logic out of signals unless a library offers nothing
else: allauth reports a completed sign-in and a wrong two-factor code only by
signal (its adapter has no hook for either), so these two receivers log them.
Everything else is logged from :class:`petite.accounts.adapter.AccountAdapter`.
"""

from __future__ import annotations

from typing import Any

from allauth.account.authentication import get_authentication_records
from allauth.account.signals import user_logged_in
from allauth.mfa.signals import authentication_failed as mfa_authentication_failed
from django.http import HttpRequest

from . import throttle
from .adapter import log_attempt
from .models import ConnectionEvent, Member
from .network import client_ip


def on_signed_in(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    if not isinstance(user, Member):
        return
    # allauth lists the steps of this sign-in in the session: a two-factor step
    # means the member gave both their password and a code.
    steps = [
        record.get("method")
        for record in get_authentication_records(request, user)
        if not record.get("reauthenticated")
    ]
    method = ConnectionEvent.Method.MFA if "mfa" in steps else ConnectionEvent.Method.PASSWORD
    log_attempt(request, member=user, succeeded=True, method=method)
    throttle.succeeded(email=user.email, ip=client_ip(request))


def on_mfa_failed(
    sender: Any,
    request: HttpRequest | None,
    user: Any,
    reauthentication: bool = False,
    **kwargs: Any,
) -> None:
    if request is None or not isinstance(user, Member):
        return
    log_attempt(
        request,
        member=user,
        succeeded=False,
        method=(
            ConnectionEvent.Method.REAUTHENTICATION
            if reauthentication
            else ConnectionEvent.Method.MFA
        ),
        failure=ConnectionEvent.Failure.MFA_CODE,
    )


def connect() -> None:
    user_logged_in.connect(on_signed_in, dispatch_uid="petite.accounts.on_signed_in")
    mfa_authentication_failed.connect(on_mfa_failed, dispatch_uid="petite.accounts.on_mfa_failed")
