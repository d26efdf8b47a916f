"""Sets the device cookie chosen at sign-in (the sign-in signal has no response)."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponseBase

from . import devices


class DeviceCookieMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        device_id = getattr(request, devices.PENDING_ATTRIBUTE, None)
        if device_id:
            response.set_signed_cookie(
                devices.COOKIE,
                device_id,
                salt=devices.SALT,
                max_age=devices.MAX_AGE_DAYS * 86400,
                httponly=True,
                secure=not settings.DEBUG and request.is_secure(),
                samesite="Lax",
            )
        return response
