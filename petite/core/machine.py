"""Addresses machines call (webhooks, one-click unsubscribe): bad input is a 4xx.

A payload is untrusted until its signature is checked, and even a signed one may
not have the shape we read. Third-party views (anymail's) index into the payload
before or while checking the signature: ``[]``, ``"hello"`` or a null signature
block raised a TypeError, a 500. Here, in one place:

- :func:`machine_endpoint` wraps such a view: an optional ``check`` looks at the
  payload's shape before the view reads it, and a :class:`MalformedPayload` raised
  by the check or the view answers 400 (JSON), never a 500.
- :func:`reading` turns the errors of reading a payload of the wrong shape
  (KeyError, TypeError...) into :class:`MalformedPayload`.
- :func:`json_object` and :func:`mailgun_signature_block` are the checks the
  platform's webhooks share.

Each machine address is fuzzed with generated JSON in tests/test_machine_endpoints.py.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse

# What reading a payload of an unexpected shape raises.
SHAPE_ERRORS = (KeyError, IndexError, TypeError, ValueError, AttributeError, UnicodeError)
SIGNATURE_FIELDS = ("timestamp", "token", "signature")


class MalformedPayload(Exception):
    """The payload does not have the shape the endpoint reads; nothing was done."""


@contextmanager
def reading() -> Iterator[None]:
    """Read a payload: a wrong shape becomes :class:`MalformedPayload`."""
    try:
        yield
    except SHAPE_ERRORS as error:
        raise MalformedPayload(type(error).__name__) from error


def json_object(raw: bytes) -> dict[str, Any]:
    """``raw`` as a JSON object (every webhook we receive is one), or MalformedPayload."""
    with reading():
        payload = json.loads(raw.decode("utf-8"))
    if not isinstance(payload, dict):
        raise MalformedPayload("not an object")
    return payload


def _ascii_text(value: Any) -> bool:
    return isinstance(value, (str, int)) and not isinstance(value, bool) and str(value).isascii()


def mailgun_signature_block(request: HttpRequest) -> None:
    """Mailgun signs with ``timestamp``, ``token`` and ``signature``: in a JSON body's
    ``signature`` object, or among the form's fields. Each must be plain ASCII text
    before anymail computes the HMAC over them."""
    if request.content_type == "application/json":
        block = json_object(request.body).get("signature")
        if not isinstance(block, dict):
            raise MalformedPayload("no signature block")
        values = [block.get(name) for name in SIGNATURE_FIELDS]
    else:
        # Missing form fields are anymail's to refuse (and log); present ones must be text.
        with reading():
            values = [request.POST[n] for n in SIGNATURE_FIELDS if n in request.POST]
    if not all(_ascii_text(value) for value in values):
        raise MalformedPayload("signature fields")


ViewFunc = Callable[..., HttpResponse]


def machine_endpoint(
    view: ViewFunc, *, check: Callable[[HttpRequest], None] | None = None
) -> ViewFunc:
    """Wrap a machine-facing view (a function or ``SomeView.as_view()``)."""

    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            if check is not None and request.method == "POST":
                check(request)
            return view(request, *args, **kwargs)
        except MalformedPayload:
            return JsonResponse({"error": "malformed payload"}, status=400)

    return wrapped
