"""Forms never blank what the client did not send.

A form that edits existing data treats a missing field as "empty it": Django reads
an absent key as an empty value. A body cut in transit, a JSON or plain-text body,
or a multipart body missing its last part would therefore save blanks over the
member's data. This module refuses such requests with 400 before anything is
saved, in one place:

- :func:`edits_existing_data`, a view decorator: on POST (PUT, PATCH) it refuses a
  body that is not ``application/x-www-form-urlencoded`` or ``multipart/form-data``,
  that is shorter or longer than its ``Content-Length``, a multipart body without its
  closing boundary, and an urlencoded body that is not UTF-8; it turns the refusal
  of a :class:`CompleteForm` into the same 400 page.
- :class:`CompleteForm`, a form mixin: a bound form that lacks any field it renders
  is refused. Fields whose widget sends nothing when empty (a checkbox left
  unticked, a multiple choice with nothing chosen) cannot be missing.

What it cannot see: an urlencoded body cut between two fields whose
``Content-Length`` was rewritten to match, where the fields lost are all checkboxes.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse, RawPostDataException
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect

from .errors import ActionRefused
from .http import refusal_response

FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
BODY_METHODS = ("POST", "PUT", "PATCH")


class IncompleteBody(ActionRefused):
    """The request's body is not a whole form: nothing was saved."""

    def __init__(self, code: str) -> None:
        super().__init__(
            _(
                "Your changes were not saved: the form did not arrive complete. "
                "Please reload the page and try again."
            ),
            code=f"core.incomplete_body.{code}",
            status=400,
        )


def check_body(request: HttpRequest) -> None:
    """Raise :class:`IncompleteBody` unless the request's body is a whole form."""
    if request.method not in BODY_METHODS:
        return
    content_type = (request.content_type or "").lower()
    if content_type not in FORM_TYPES:
        raise IncompleteBody("content_type")
    declared = request.META.get("CONTENT_LENGTH") or ""
    try:
        expected = int(declared)
    except ValueError:
        raise IncompleteBody("length") from None
    try:
        body = request.body
    except RawPostDataException:
        # Something parsed the multipart stream already: it was read to its end, so
        # a body shorter than announced shows in how far the stream got.
        stream = getattr(request, "_stream", None)
        if stream is not None and getattr(stream, "_pos", expected) != expected:
            raise IncompleteBody("length") from None
        return
    if len(body) != expected:
        raise IncompleteBody("length")
    if content_type == "multipart/form-data":
        boundary = (request.content_params or {}).get("boundary", "")
        if not boundary or not body.rstrip(b"\r\n").endswith(b"--" + boundary.encode() + b"--"):
            raise IncompleteBody("multipart")
    else:
        try:
            body.decode("utf-8")
        except UnicodeDecodeError:
            raise IncompleteBody("encoding") from None


def missing_fields(form: forms.BaseForm) -> list[str]:
    """The fields ``form`` renders that its bound data does not carry."""
    missing = []
    may_be_absent = set(getattr(form, "may_be_absent", ()))
    for name, field in form.fields.items():
        if field.disabled or name in may_be_absent:
            continue
        if field.widget.value_omitted_from_data(form.data, form.files, form.add_prefix(name)):
            missing.append(name)
    return missing


class CompleteForm(forms.BaseForm):
    """Mixin for a form that edits existing data: refused if a field is missing.

    Put it first: ``class PortraitForm(CompleteForm, forms.ModelForm[Portrait])``.
    ``is_valid()`` raises :class:`IncompleteBody`; the view's
    :func:`edits_existing_data` answers 400. ``may_be_absent`` names fields whose
    absence the form itself refuses with its own message (a required button).
    """

    may_be_absent: tuple[str, ...] = ()

    def full_clean(self) -> None:
        if self.is_bound and missing_fields(self):
            raise IncompleteBody("missing_field")
        super().full_clean()


ViewFunc = Callable[..., HttpResponse]


def edits_existing_data(view: ViewFunc) -> ViewFunc:
    """Decorate a view whose form edits existing data (see the module docstring)."""
    # The body is checked before anything parses it: the CSRF middleware reads the
    # form (and consumes a multipart stream) before the view runs. So the check
    # runs first and the very same CSRF check follows, through csrf_protect, unless
    # the view was exempt on purpose (it checks the origin itself).
    protected = view if getattr(view, "csrf_exempt", False) else csrf_protect(view)

    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            check_body(request)
            return protected(request, *args, **kwargs)
        except IncompleteBody as refused:
            return refusal_response(request, refused)

    wrapped.edits_existing_data = True  # type: ignore[attr-defined]
    return csrf_exempt(wrapped)
