"""The Portrait: optional, editable and clearable by its owner, address encrypted (R1.3, P1)."""

from __future__ import annotations

import logging
import sys

import pytest
from cryptography.fernet import Fernet, MultiFernet
from django.conf import settings
from django.db import connection
from django.test import Client, RequestFactory
from django.urls import reverse
from django.views.debug import ExceptionReporter

from petite.accounts.models import Member
from petite.accounts.tests.factories import signed_in
from petite.core.models import AuditEvent
from petite.portraits import actions
from petite.portraits.models import Portrait
from petite.portraits.tests.factories import PortraitFactory
from petite.privacy import categories
from petite.privacy.declarations import Erasure
from petite.privacy.registry import declaration_for

STREET = "12 rue des Lilas"
POSTCODE = "75011"
CITY = "Montreuil-sous-Bois"
EDIT = "/portrait/"
DETAIL = "/portrait/view/"
CLEAR = "/portrait/clear/"


def form_data(**overrides: str) -> dict[str, str]:
    data = {
        "display_name": "Alice M.",
        "bio": "Gardener and cellist.",
        "interests": "music, gardens",
        "street": STREET,
        "postcode": POSTCODE,
        "city": CITY,
        "country": "FR",
    }
    data.update(overrides)
    return data


def stored(portrait: Portrait, column: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM portraits_portrait WHERE id = %s", [portrait.pk])  # noqa: S608
        value: str = cursor.fetchone()[0]
    return value


@pytest.mark.clause("R1.3")
@pytest.mark.clause("SEC1")
def test_the_address_is_ciphertext_in_the_database(alice: Member) -> None:
    response = signed_in(alice).post(EDIT, form_data())

    assert response.status_code == 302
    portrait = Portrait.objects.get(member=alice)
    keys = MultiFernet([Fernet(key) for key in settings.PETITE_FIELD_KEYS])
    for column, plaintext in (("street", STREET), ("postcode", POSTCODE), ("city", CITY)):
        raw = stored(portrait, column)
        assert plaintext not in raw
        assert raw.startswith("gAAAAA")  # a Fernet token, version 0x80
        assert keys.decrypt(raw.encode()).decode() == plaintext


@pytest.mark.clause("R1.3")
def test_the_owner_sees_the_plaintext_address_on_their_page(alice: Member) -> None:
    client = signed_in(alice)
    client.post(EDIT, form_data())

    response = client.get(DETAIL)

    content = response.content.decode()
    assert STREET in content
    assert POSTCODE in content
    assert CITY in content
    assert "France" in content


@pytest.mark.clause("R1.3")
def test_the_edit_form_shows_the_owner_their_current_values(alice: Member) -> None:
    PortraitFactory.create(member=alice, street=STREET)

    response = signed_in(alice).get(EDIT)

    assert f'value="{STREET}"' in response.content.decode()


@pytest.mark.clause("R1.3")
@pytest.mark.clause("U1")
def test_emptying_a_field_clears_it_in_the_database(alice: Member) -> None:
    portrait = PortraitFactory.create(member=alice)

    response = signed_in(alice).post(EDIT, form_data(street="", bio=""))

    assert response.status_code == 302
    assert stored(portrait, "street") == ""
    assert stored(portrait, "bio") == ""
    assert CITY not in stored(portrait, "city")  # the rest stays, still encrypted
    portrait.refresh_from_db()
    assert portrait.city == CITY


@pytest.mark.clause("R1.3")
def test_every_field_is_optional(alice: Member) -> None:
    response = signed_in(alice).post(EDIT, form_data(display_name="Alice") | {"street": ""})

    assert response.status_code == 302
    assert Portrait.objects.get(member=alice).display_name == "Alice"


def test_an_empty_form_creates_no_portrait(alice: Member) -> None:
    empty = dict.fromkeys(form_data(), "")

    signed_in(alice).post(EDIT, empty)

    assert not Portrait.objects.filter(member=alice).exists()


@pytest.mark.clause("R1.3")
@pytest.mark.clause("U1")
def test_clear_my_portrait_asks_then_deletes_everything(alice: Member) -> None:
    PortraitFactory.create(member=alice)
    client = signed_in(alice)

    confirmation = client.get(CLEAR)
    response = client.post(CLEAR)

    assert confirmation.status_code == 200
    assert "Yes, clear my Portrait" in confirmation.content.decode()
    assert response.status_code == 302
    assert not Portrait.objects.filter(member=alice).exists()


@pytest.mark.clause("SEC1")
def test_changes_are_audited_with_field_names_only(alice: Member) -> None:
    portrait = PortraitFactory.create(member=alice)

    actions.update_portrait(member=alice, street="", city="Lyon", bio=portrait.bio)
    actions.clear_portrait(member=alice)

    updated = AuditEvent.objects.get(action="portrait.updated")
    assert updated.actor == alice
    assert updated.data == {"fields": ["street", "city"], "cleared": ["street"]}
    assert AuditEvent.objects.filter(action="portrait.cleared", actor=alice).exists()
    every_detail = str(list(AuditEvent.objects.values_list("data", flat=True)))
    assert "Lyon" not in every_detail
    assert STREET not in every_detail


@pytest.mark.clause("SEC1")
@pytest.mark.parametrize("url", [EDIT, DETAIL, CLEAR])
def test_a_visitor_is_sent_to_sign_in(client: Client, url: str) -> None:
    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.clause("SEC1")
def test_a_visitor_cannot_clear_a_portrait(client: Client, alice: Member) -> None:
    PortraitFactory.create(member=alice)

    client.post(CLEAR)

    assert Portrait.objects.filter(member=alice).exists()


@pytest.mark.clause("SEC1")
@pytest.mark.parametrize("reader", ["bob", "staff"])
@pytest.mark.parametrize("url", [EDIT, DETAIL, CLEAR])
def test_another_member_never_sees_alices_portrait(
    alice: Member, reader: str, url: str, request: pytest.FixtureRequest
) -> None:
    PortraitFactory.create(member=alice, display_name="Alice the Gardener", street=STREET)
    other: Member = request.getfixturevalue(reader)

    content = signed_in(other).get(url).content.decode()

    assert "Alice the Gardener" not in content
    assert STREET not in content


@pytest.mark.clause("SEC1")
def test_bob_clearing_his_portrait_leaves_alices(alice: Member, bob: Member) -> None:
    PortraitFactory.create(member=alice)
    PortraitFactory.create(member=bob)

    signed_in(bob).post(CLEAR)

    assert Portrait.objects.filter(member=alice).exists()
    assert not Portrait.objects.filter(member=bob).exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("bio", "x" * 501),
        ("interests", "y" * 301),
        ("street", "z" * 201),
        ("display_name", "n" * 81),
    ],
)
def test_over_long_fields_get_a_clear_error(alice: Member, field: str, value: str) -> None:
    response = signed_in(alice).post(EDIT, form_data(**{field: value}))

    assert response.status_code == 200
    assert "errorlist" in response.content.decode()
    assert not Portrait.objects.filter(member=alice).exists()


@pytest.mark.parametrize("country", ["XX", "france", "'; DROP TABLE x;--"])
def test_an_unknown_country_gets_a_clear_error(alice: Member, country: str) -> None:
    response = signed_in(alice).post(EDIT, form_data(country=country))

    assert response.status_code == 200
    assert "errorlist" in response.content.decode()
    assert not Portrait.objects.filter(member=alice).exists()


def test_html_and_sql_in_the_portrait_are_shown_escaped(alice: Member) -> None:
    client = signed_in(alice)
    client.post(
        EDIT,
        form_data(
            display_name="<script>alert(1)</script>", street="1'); DROP TABLE portraits_portrait;--"
        ),
    )

    content = client.get(DETAIL).content.decode()

    assert "<script>alert(1)</script>" not in content
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in content
    assert "1&#x27;); DROP TABLE portraits_portrait;--" in content
    assert Portrait.objects.count() == 1


def test_country_names_follow_the_page_language(alice: Member) -> None:
    client = signed_in(alice)

    french = client.get("/fr" + EDIT).content.decode()

    assert ">Allemagne<" in french
    assert "Votre Portrait" in french


@pytest.mark.clause("P1")
def test_the_portrait_is_declared_under_p1_and_erased_with_the_member() -> None:
    declaration = declaration_for(Portrait)

    assert declaration is not None
    assert declaration.subject == "member"
    for name in ("street", "postcode", "city", "country"):
        assert declaration.fields[name].category == categories.POSTAL_ADDRESS
    assert declaration.fields["bio"].category == categories.PORTRAIT
    assert declaration.purpose_ids == ["P1"]
    assert all(p.erasure is Erasure.DELETE for p in declaration.fields.values())


@pytest.mark.clause("R1.3")
def test_a_portrait_prints_nothing_personal(alice: Member) -> None:
    portrait = PortraitFactory.create(member=alice, display_name="Alice M.")

    printed = f"{portrait} {portrait!r}"

    for value in ("Alice M.", STREET, "75011", "Paris"):
        assert value not in printed


@pytest.mark.clause("R1.3")
def test_the_back_office_shows_the_display_name_but_never_the_address(
    alice: Member, staff_client: Client
) -> None:
    portrait = PortraitFactory.create(
        member=alice, display_name="Alice M.", street=STREET, city=CITY
    )

    listing = staff_client.get(reverse("admin:portraits_portrait_changelist"))
    page = staff_client.get(reverse("admin:portraits_portrait_change", args=[portrait.pk]))

    assert listing.status_code == 200
    assert page.status_code == 200
    for response in (listing, page):
        content = response.content.decode()
        assert "Alice M." in content
        assert STREET not in content
        assert CITY not in content


@pytest.mark.clause("R1.3")
def test_the_address_never_reaches_the_logs(
    alice: Member, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="django.db.backends")
    client = signed_in(alice)
    connection.force_debug_cursor = True  # log every SQL query with its parameters
    try:
        client.post(EDIT, form_data())
        client.get(DETAIL)
        client.get(EDIT)
    finally:
        connection.force_debug_cursor = False

    logged = "\n".join(f"{r.getMessage()} {r.args!r} {r.__dict__!r}" for r in caplog.records)
    assert "portraits_portrait" in logged  # the queries were logged...
    for value in (STREET, CITY):  # ...with ciphertext only
        assert value not in logged


def _crash_while_holding(street: str) -> None:
    raise ValueError("the address could not be formatted")


@pytest.mark.clause("R1.3")
def test_the_address_never_reaches_an_error_report(alice: Member) -> None:
    request = RequestFactory().post(EDIT, form_data())
    request.user = alice
    try:
        _crash_while_holding(STREET)
    except ValueError:
        exc_type, exc_value, traceback = sys.exc_info()

    reporter = ExceptionReporter(request, exc_type, exc_value, traceback)
    html = reporter.get_traceback_html()
    text = reporter.get_traceback_text()

    assert "_crash_while_holding" in text  # the report itself was produced
    for report in (html, text):
        assert STREET not in report
        assert CITY not in report


def test_portraits_are_not_editable_in_the_back_office(alice: Member, staff_client: Client) -> None:
    portrait = PortraitFactory.create(member=alice)

    response = staff_client.post(
        reverse("admin:portraits_portrait_change", args=[portrait.pk]), {"display_name": "Staff"}
    )

    assert response.status_code == 403
    portrait.refresh_from_db()
    assert portrait.display_name == "Alice M."


def test_the_portrait_goes_with_the_member(alice: Member) -> None:
    PortraitFactory.create(member=alice)

    alice.delete()

    assert Portrait.objects.count() == 0
