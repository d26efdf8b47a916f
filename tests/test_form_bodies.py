"""Forms never blank what the client did not send (issue 11, finding 4).

Every form that edits existing data goes through ``petite.core.formbody``: a body
cut in transit, a JSON or plain-text body, a multipart body missing its end, or a
form missing one of its fields is refused with 400, and the row is unchanged.
One case per form and per kind of bad body; and the whole form still saves.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import pytest
from django.test import Client
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart
from django.urls import reverse

from petite.accounts.models import Member
from petite.accounts.tests.factories import signed_in
from petite.comments.models import Comment
from petite.comments.tests.factories import ArticleFactory
from petite.consent.models import ConsentRecord
from petite.marketing import actions as marketing_actions
from petite.marketing import selectors as marketing_selectors
from petite.marketing.models import Source
from petite.marketing.tests.factories import TopicFactory
from petite.portraits.models import Portrait


@dataclass
class EditedForm:
    """One form that edits existing data: where it posts, a whole valid body (in the
    order a browser sends it), the field a cut body loses, and what must not change."""

    url: str
    whole: list[tuple[str, str]]
    state: Callable[[], Any]
    # A field the form renders whose absence must be refused (None: every field is
    # a checkbox, which a browser leaves out when unticked).
    droppable: str | None
    client: Client
    headers: dict[str, Any]


def _portrait(member: Member) -> EditedForm:
    Portrait.objects.create(
        member=member,
        display_name="Alice",
        bio="Grows roses.",
        interests="roses",
        street="7 impasse des Glycines",
        postcode="29300",
        city="Quimperlé",
        country="FR",
    )

    def state() -> Any:
        p = Portrait.objects.get(member=member)
        return (p.display_name, p.bio, p.interests, p.street, p.postcode, p.city, p.country)

    whole = [
        ("display_name", "Alice M."),
        ("bio", "Grows roses and tulips."),
        ("interests", "roses"),
        ("street", "8 impasse des Glycines"),
        ("postcode", "29300"),
        ("city", "Quimperlé"),
        ("country", "FR"),
    ]
    return EditedForm(reverse("portraits:edit"), whole, state, "country", signed_in(member), {})


def _identity(member: Member) -> EditedForm:
    def state() -> Any:
        m = Member.objects.get(pk=member.pk)
        return (m.first_name, m.last_name, m.language)

    whole = [("first_name", "Alicia"), ("last_name", "Martin"), ("language", "fr")]
    return EditedForm(reverse("rights:identity"), whole, state, "language", signed_in(member), {})


def _email_preferences(member: Member) -> EditedForm:
    newsletter = TopicFactory.create(slug="newsletter")
    offers = TopicFactory.create(slug="offers")
    marketing_actions.choose_topics(
        member=member,
        chosen=[newsletter, offers],
        shown=[newsletter, offers],
        source=Source.PREFERENCES,
    )

    def state() -> Any:
        return sorted(t.slug for t in marketing_selectors.subscribed_topics(member))

    whole = [("topics", "newsletter")]
    return EditedForm(reverse("marketing:preferences"), whole, state, None, signed_in(member), {})


def _cookie_choices(member: Member) -> EditedForm:
    def state() -> Any:
        return ConsentRecord.objects.count()

    whole = [("next", "/"), ("audience", "on"), ("action", "choose")]
    headers = {"HTTP_ORIGIN": "http://testserver", "HTTP_SEC_FETCH_SITE": "same-origin"}
    return EditedForm(reverse("consent:save"), whole, state, None, Client(), headers)


def _comment(member: Member) -> EditedForm:
    comment = Comment.objects.create(
        article=ArticleFactory.create(), author=member, body="My first thoughts."
    )

    def state() -> Any:
        return Comment.objects.get(pk=comment.pk).body

    whole = [("body", "My second thoughts, longer.")]
    return EditedForm(
        reverse("comments:edit", args=[comment.pk]), whole, state, "body", signed_in(member), {}
    )


FORMS: dict[str, Callable[[Member], EditedForm]] = {
    "portrait": _portrait,
    "names_and_language": _identity,
    "email_preferences": _email_preferences,
    "cookie_choices": _cookie_choices,
    "comment_edit": _comment,
}


def _send(form: EditedForm, body: bytes, content_type: str, **extra: Any) -> Any:
    environ: dict[str, Any] = {**form.headers, **extra}
    return form.client.generic("POST", form.url, body, content_type=content_type, **environ)


def _cut(form: EditedForm) -> Any:
    """The whole form announced, half of it delivered (the connection dropped)."""
    body = urlencode(form.whole).encode()
    return _send(
        form,
        body,
        "application/x-www-form-urlencoded",
        CONTENT_LENGTH=str(len(body)),
        **{"wsgi.input": io.BytesIO(body[: len(body) // 2])},
    )


def _json(form: EditedForm) -> Any:
    return _send(form, json.dumps(dict(form.whole)).encode(), "application/json")


def _text_plain(form: EditedForm) -> Any:
    body = "\r\n".join(f"{k}={v}" for k, v in form.whole).encode()
    return _send(form, body, "text/plain")


def _truncated_multipart(form: EditedForm) -> Any:
    data: dict[str, list[str]] = {}
    for key, value in form.whole:
        data.setdefault(key, []).append(value)
    body = encode_multipart(BOUNDARY, data)
    # The last part and the closing boundary never arrived; the length says so too.
    cut = body[: body.rindex(b"--" + BOUNDARY.encode())]
    return _send(form, cut, MULTIPART_CONTENT)


def _missing_field(form: EditedForm) -> Any:
    assert form.droppable is not None
    body = urlencode([(k, v) for k, v in form.whole if k != form.droppable]).encode()
    return _send(form, body, "application/x-www-form-urlencoded")


BAD_BODIES: dict[str, Callable[[EditedForm], Any]] = {
    "cut_body": _cut,
    "json_body": _json,
    "text_plain_body": _text_plain,
    "truncated_multipart": _truncated_multipart,
    "missing_field": _missing_field,
}


# E-mail preferences and cookie choices are checkboxes (an absent box is an unticked
# box) and a button (the form refuses its absence with its own message, see
# petite/consent/tests): "missing field" does not apply there; every other case does.
CASES = [
    (which, bad)
    for which in FORMS
    for bad in BAD_BODIES
    if not (which in ("email_preferences", "cookie_choices") and bad == "missing_field")
]


@pytest.mark.parametrize(("which", "bad"), CASES)
def test_finding_4_bad_input_loses_data(alice: Member, which: str, bad: str) -> None:
    form = FORMS[which](alice)
    before = form.state()

    response = BAD_BODIES[bad](form)

    assert response.status_code == 400, response.content[:300]
    assert "did not arrive complete" in response.content.decode()
    assert form.state() == before


@pytest.mark.parametrize("encoding", ["urlencoded", "multipart"])
@pytest.mark.parametrize("which", list(FORMS))
def test_a_whole_form_still_saves(alice: Member, which: str, encoding: str) -> None:
    form = FORMS[which](alice)
    before = form.state()
    if encoding == "urlencoded":
        response = _send(form, urlencode(form.whole).encode(), "application/x-www-form-urlencoded")
    else:
        data: dict[str, list[str]] = {}
        for key, value in form.whole:
            data.setdefault(key, []).append(value)
        response = _send(form, encode_multipart(BOUNDARY, data), MULTIPART_CONTENT)

    assert response.status_code == 302, response.content[:500]
    assert form.state() != before
