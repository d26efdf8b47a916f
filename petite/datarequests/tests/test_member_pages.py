"""A member's requests in their account (U2, U3, U4, U6): filed after confirming the
password, listed with status and due date, and only ever their own."""

from __future__ import annotations

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import formats, timezone

from petite.datarequests import actions
from petite.datarequests.models import DataRequest, DataRequestEvent

from .factories import DataRequestFactory, identified_request

LIST = reverse("datarequests:list")
NEW = reverse("datarequests:new")


def detail(data_request: DataRequest) -> str:
    return reverse("datarequests:detail", args=[data_request.reference])


@pytest.mark.clause("U2", "U4")
def test_a_member_files_a_request_and_is_identified_at_once(
    alice, alice_client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = alice_client.post(
            NEW, {"kind": "rectification", "message": "My last name is misspelt: Martín."}
        )

    data_request = DataRequest.objects.get()
    assert response.status_code == 302
    assert response["Location"] == detail(data_request)
    assert (data_request.channel, data_request.kind, data_request.status) == (
        DataRequest.Channel.IN_APP,
        DataRequest.Kind.RECTIFICATION,
        DataRequest.Status.OPEN,
    )
    assert data_request.member == alice
    assert data_request.identity_method == actions.IDENTITY_BY_SESSION
    received = data_request.events.get(kind=DataRequestEvent.Kind.RECEIVED)
    assert received.text == "My last name is misspelt: Martín."
    [acknowledgement] = mail.outbox
    assert acknowledgement.to == [alice.email]


@pytest.mark.clause("U2", "SEC1")
def test_filing_a_request_asks_for_the_password_first(alice):
    client = Client()
    client.force_login(alice)

    response = client.post(NEW, {"kind": "access", "message": "A copy, please."})

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_reauthenticate"))
    assert not DataRequest.objects.exists()


def test_the_form_can_be_opened_with_a_type_chosen(alice_client):
    response = alice_client.get(NEW, {"kind": "rectification"})

    assert response.context["form"].initial == {"kind": "rectification"}


def test_an_empty_message_is_refused_next_to_the_field(alice_client):
    response = alice_client.post(NEW, {"kind": "access", "message": ""})

    assert response.status_code == 200
    assert response.context["form"].errors["message"]
    assert not DataRequest.objects.exists()


def test_html_in_a_message_is_shown_as_text(alice, alice_client):
    alice_client.post(NEW, {"kind": "other", "message": "<script>alert(1)</script>"})
    data_request = DataRequest.objects.get()

    response = alice_client.get(detail(data_request))

    body = response.content.decode()
    assert "<script>alert(1)</script>" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body


@pytest.mark.clause("U6")
def test_the_list_shows_status_and_due_date(alice, alice_client):
    data_request = identified_request(alice)

    response = alice_client.get(LIST)

    body = response.content.decode()
    assert data_request.reference in body
    assert "Open" in body
    assert formats.date_format(timezone.localtime(data_request.due_at), "DATE_FORMAT") in body


@pytest.mark.clause("SEC1", "U2")
def test_anonymous_visitors_are_sent_to_sign_in(client, alice):
    data_request = identified_request(alice)

    for url in (LIST, NEW, detail(data_request)):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.clause("SEC1", "U2")
def test_another_member_sees_neither_the_request_nor_its_reference(alice, bob):
    data_request = identified_request(alice)
    client = Client()
    client.force_login(bob)

    assert client.get(detail(data_request)).status_code == 404
    assert data_request.reference not in client.get(LIST).content.decode()


@pytest.mark.clause("SEC1", "U2")
def test_the_owner_sees_the_request_and_its_history(alice, alice_client):
    data_request = identified_request(alice)
    actions.send_message(
        request=data_request,
        subject="Your request",
        text="Which data is inaccurate?",
        actor=alice,
    )

    response = alice_client.get(detail(data_request))

    assert response.status_code == 200
    assert "Which data is inaccurate?" in response.content.decode()


@pytest.mark.clause("SEC1", "U2")
def test_staff_see_only_their_own_requests_on_member_pages(staff_client, alice):
    data_request = identified_request(alice)

    assert staff_client.get(detail(data_request)).status_code == 404
    assert data_request.reference not in staff_client.get(LIST).content.decode()


def test_staff_notes_stay_in_the_back_office(alice, alice_client, staff):
    data_request = identified_request(alice)
    DataRequestEvent.objects.create(
        request=data_request, kind=DataRequestEvent.Kind.NOTE, text="Internal: check with legal"
    )

    response = alice_client.get(detail(data_request))

    assert "check with legal" not in response.content.decode()


def test_an_unconfirmed_request_from_the_member_address_is_not_listed(alice, alice_client):
    # Anyone can type Alice's address in a From header: until the link is
    # confirmed, the request is not linked to her account.
    DataRequestFactory.create(requester_email=alice.email)

    response = alice_client.get(LIST)

    assert list(response.context["data_requests"]) == []


@pytest.mark.clause("U2")
def test_the_pages_are_in_french(alice, alice_client):
    data_request = identified_request(alice)

    listing = alice_client.get("/fr/data-requests/").content.decode()
    form = alice_client.get("/fr/data-requests/new/").content.decode()
    page = alice_client.get(f"/fr/data-requests/{data_request.reference}/").content.decode()

    assert "Vos demandes au sujet de vos données" in listing
    assert "Faire une demande" in form
    assert "Historique" in page
