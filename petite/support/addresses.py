"""Signed reply addresses: ``help+r<number>.<signature>@<domain>``.

Every e-mail the desk sends about a request has this address as Reply-To. A
reply to it joins the request's thread; the signature (an HMAC of the number
with the site's secret key) proves the address was ours, so nobody can write
into a request by guessing its number.
"""

from __future__ import annotations

import hashlib
import hmac
import re

from django.conf import settings
from django.utils.encoding import force_bytes

_SIGNATURE_LENGTH = 20


def _parts() -> tuple[str, str]:
    local, _, domain = str(settings.PETITE_SUPPORT_EMAIL).partition("@")
    return local, domain


def _signature(number: int) -> str:
    key = force_bytes("petite.support.reply-address:" + str(settings.SECRET_KEY))
    digest = hmac.new(key, force_bytes(str(number)), hashlib.sha256).hexdigest()
    return digest[:_SIGNATURE_LENGTH]


def reply_address(number: int) -> str:
    local, domain = _parts()
    return f"{local}+r{number}.{_signature(number)}@{domain}"


def is_ours(address: str) -> bool:
    """Is ``address`` the desk's address, plain or with a tag (signed or not)?"""
    local, domain = _parts()
    pattern = rf"{re.escape(local)}(\+[^@]*)?@{re.escape(domain)}"
    return re.fullmatch(pattern, address.strip(), re.IGNORECASE) is not None


class Forged(Exception):
    """A tagged address whose signature is not ours."""


def request_number(address: str) -> int | None:
    """The request a reply address names; None for the plain address; Forged otherwise."""
    local, domain = _parts()
    match = re.fullmatch(
        rf"{re.escape(local)}\+([^@]*)@{re.escape(domain)}", address.strip(), re.IGNORECASE
    )
    if match is None:
        return None
    tag = match.group(1).lower()
    parsed = re.fullmatch(r"r(\d{1,12})\.([0-9a-f]+)", tag)
    if parsed is None:
        raise Forged("not a reply address")
    number = int(parsed.group(1))
    if not hmac.compare_digest(parsed.group(2), _signature(number)):
        raise Forged("bad signature")
    return number
