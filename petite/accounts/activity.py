"""Session activity for the member's list of sessions (R1.2), written sparingly.

allauth's ``UserSessionsMiddleware`` updates the session row (IP, browser, last
seen) with a read and a write on every request. The member's list only needs
"last seen" to the minute, so this middleware writes at most once a minute per
session, and at once when the session's IP address or browser changes (the
signal allauth sends then is what security alerts will listen to).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from allauth.usersessions import app_settings
from allauth.usersessions.models import UserSession
from django.core.cache import cache
from django.http import HttpRequest, HttpResponseBase

from .network import client_ip

WRITE_INTERVAL_SECONDS = 60


def _fingerprint(session_key: str, ip: str, user_agent: str) -> tuple[str, str]:
    key = "usersession:" + hashlib.sha256(session_key.encode()).hexdigest()[:32]
    client = hashlib.sha256(f"{ip}\n{user_agent}".encode()).hexdigest()[:32]
    return key, client


class SessionActivityMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if (
            app_settings.TRACK_ACTIVITY
            and request.session.session_key
            and request.user.is_authenticated
        ):
            key, client = _fingerprint(
                request.session.session_key,
                client_ip(request),
                request.META.get("HTTP_USER_AGENT", ""),
            )
            if cache.get(key) != client:
                UserSession.objects.create_from_request(request)
                cache.set(key, client, WRITE_INTERVAL_SECONDS)
        return self.get_response(request)
