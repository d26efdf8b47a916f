"""Request helpers every app shares: the client's address, the signed-in member,
and the one place a refused action becomes a response.

``PETITE_TRUSTED_PROXY_COUNT`` says how many reverse proxies stand in front of
the platform. With 0 (the default) ``X-Forwarded-For`` is ignored entirely, so
a client cannot forge its address; with N, the address N hops from the right
of the header is taken, which is the one the outermost trusted proxy saw.
"""

from __future__ import annotations

import ipaddress
from typing import Any

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from .errors import ActionRefused


def _valid(address: str) -> str | None:
    try:
        return str(ipaddress.ip_address(address.strip()))
    except ValueError:
        return None


def client_ip(request: HttpRequest) -> str:
    remote = _valid(request.META.get("REMOTE_ADDR", "")) or "0.0.0.0"  # noqa: S104
    trusted = settings.PETITE_TRUSTED_PROXY_COUNT
    if trusted <= 0:
        return remote
    hops = [h for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if h.strip()]
    if len(hops) < trusted:
        return remote
    return _valid(hops[-trusted]) or remote


def signed_in_member(request: HttpRequest) -> Any:
    """The member behind a view guarded by ``login_required``.

    Typed ``Any`` here because core knows no app; ``petite.accounts.selectors``
    wraps it as ``signed_in(request) -> Member`` for the apps.
    """
    user = request.user
    if not isinstance(user, AbstractBaseUser) or not user.is_authenticated:
        raise PermissionError("signed_in_member() needs a view guarded by login_required")
    return user


def refusal_response(
    request: HttpRequest, refused: ActionRefused, *, template: str = "core/refused.html"
) -> HttpResponse:
    """A page saying why, with the status the action chose (never a 500)."""
    return render(request, template, {"refusal": refused}, status=refused.status)
