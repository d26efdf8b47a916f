"""Listeners the security app hooks in where a library offers only a signal:
allauth's completed sign-in and wrong second factor, axes' lockout, and the
malware scanner's detections (core's registration, not a signal)."""

from __future__ import annotations

from typing import Any

from allauth.account.signals import user_logged_in
from allauth.mfa.signals import authentication_failed as mfa_authentication_failed
from axes.signals import user_locked_out
from django.http import HttpRequest

from petite.accounts.models import Member
from petite.core import malware
from petite.core.http import client_ip

from . import actions, devices


def on_signed_in(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    if not isinstance(user, Member) or request is None:
        return
    outcome = actions.record_sign_in(
        member=user,
        ip=client_ip(request),
        user_agent=request.META.get("HTTP_USER_AGENT", "")[:512],
        device_id=devices.device_id(request),
    )
    devices.remember(request, outcome.device_id)


def on_second_factor_failed(
    sender: Any, request: HttpRequest | None, user: Any, reauthentication: bool = False, **kw: Any
) -> None:
    if request is None or reauthentication or not isinstance(user, Member):
        return
    actions.record_second_factor_failure(
        member=user,
        ip=client_ip(request),
        user_agent=request.META.get("HTTP_USER_AGENT", "")[:512],
        device_id=devices.device_id(request),
    )


def on_locked_out(
    sender: Any, request: Any = None, username: str = "", ip_address: str = "", **kw: Any
) -> None:
    ip = ip_address or (client_ip(request) if request is not None else "")
    if ip:
        actions.record_lockout(ip=ip, username=username or "")


def on_malware(detection: malware.Detection) -> None:
    actions.record_malware_detection(detection)


def connect() -> None:
    user_logged_in.connect(on_signed_in, dispatch_uid="petite.security.on_signed_in")
    mfa_authentication_failed.connect(
        on_second_factor_failed, dispatch_uid="petite.security.on_second_factor_failed"
    )
    user_locked_out.connect(on_locked_out, dispatch_uid="petite.security.on_locked_out")
    malware.on_detection(on_malware)
