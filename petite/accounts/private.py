"""Personal pages are never cached, and browsers' powerful features stay off (SEC1, ASVS 8.2.1, 14.4).

One mechanism for every personal page: any response to a signed-in member, or to a
request carrying credentials (the API's bearer tokens), is marked
``Cache-Control: private, no-store``, whatever view produced it ("Your data",
Portrait, messages, the API, requests, receipts, orders, settings...). Every response
carries a ``Permissions-Policy`` that turns off the features the Platform never uses.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponseBase
from django.utils.cache import patch_cache_control

PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "payment",
        "usb",
        "interest-cohort",
        "browsing-topics",
    )
)


def is_personal(request: HttpRequest) -> bool:
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return True
    return "HTTP_AUTHORIZATION" in request.META


class PrivateResponsesMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        if is_personal(request):
            if "Cache-Control" in response.headers:
                # Whatever a view allowed, a personal page is kept by nobody.
                del response.headers["Cache-Control"]
            patch_cache_control(response, private=True, no_store=True)
        return response
