"""Staff act on requests from the back-office (U2, U3, U4, U5, U6), each action with an
event in the request's history and an audit record."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from petite.accounts.models import Member
from petite.accounts.tests.factories import address
from petite.core.models import AuditEvent
from petite.datarequests import actions, deadlines
from petite.datarequests.models import DataRequest, DataRequestEvent
from petite.portraits.tests.factories import PortraitFactory
from petite.privacy.models import ErasureReceipt
from petite.rights.actions import start_export
from petite.rights.models import DataExport

from .factories import STRANGER, DataRequestFactory, identified_request

PARIS = ZoneInfo("Europe/Paris")


def page(slug: str, data_request: DataRequest) -> str:
    return reverse(f"admin:datarequests_datarequest_{slug}", args=[data_request.pk])


def change_page(data_request: DataRequest) -> str:
    return reverse("admin:datarequests_datarequest_change", args=[data_request.pk])


# --- Entering and reading requests ---------------------------------------------------


@pytest.mark.clause("U2")
def test_staff_enter_a_request_received_by_post(staff_client, staff):
    response = staff_client.post(
        reverse("admin:datarequests_datarequest_add"),
        {
            "requester_email": STRANGER,
            "requester_name": "Claire Dupont",
            "kind": "",
            "subject": "Letter of 3 March",
            "text": "Je demande l'effacement de mes données.",
            "received_on": "2026-03-03",
            "member": "",
            "identity_method": "",
        },
    )

    data_request = DataRequest.objects.get()
    assert response.status_code == 302
    assert response["Location"] == change_page(data_request)
    assert (data_request.channel, data_request.kind) == (
        DataRequest.Channel.STAFF,
        DataRequest.Kind.ERASURE,
    )
    assert data_request.due_at.astimezone(PARIS).date().isoformat() == "2026-04-03"
    assert AuditEvent.objects.get(action="datarequests.received").actor == staff


@pytest.mark.clause("U6")
def test_the_queue_is_ordered_by_deadline_and_shows_overdue_requests(staff_client):
    now = timezone.now()
    late = DataRequestFactory.create(received_at=now - timedelta(days=40))
    soon = DataRequestFactory.create(received_at=now - timedelta(days=27))
    later = DataRequestFactory.create(received_at=now)

    response = staff_client.get(reverse("admin:datarequests_datarequest_changelist"))

    body = response.content.decode()
    assert list(response.context["cl"].result_list) == [late, soon, later]
    assert "overdue by" in body
    assert "icon-alert.svg" in body


@pytest.mark.clause("U6")
def test_the_queue_filters_overdue_requests(staff_client):
    late = DataRequestFactory.create(received_at=timezone.now() - timedelta(days=40))
    DataRequestFactory.create()

    response = staff_client.get(
        reverse("admin:datarequests_datarequest_changelist"), {"deadline": "overdue"}
    )

    assert list(response.context["cl"].result_list) == [late]


def test_the_request_page_shows_its_history_and_the_actions(staff_client, alice):
    data_request = identified_request(alice)
    DataRequestEvent.objects.create(
        request=data_request, kind=DataRequestEvent.Kind.RECEIVED, text="A copy, please."
    )

    response = staff_client.get(change_page(data_request))

    body = response.content.decode()
    assert response.status_code == 200
    assert "A copy, please." in body
    assert page("export", data_request) in body
    assert 'name="_save"' not in body


@pytest.mark.clause("SEC1")
def test_members_do_not_reach_the_desk(client, alice):
    data_request = identified_request(alice)
    client.force_login(alice)

    response = client.post(page("erase", data_request), {"confirm": "on"})

    assert response.status_code == 302
    assert "login" in response["Location"]
    assert DataRequest.objects.get().status == DataRequest.Status.OPEN


@pytest.mark.clause("SEC1")
def test_staff_without_two_factor_authentication_do_not_reach_the_desk(staff, alice):
    data_request = identified_request(alice)
    client = Client()
    client.force_login(staff)

    response = client.post(page("erase", data_request), {"confirm": "on"})

    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")


# --- Identity -----------------------------------------------------------------------


@pytest.mark.clause("U2", "U3")
def test_staff_record_identity_from_the_request_page(staff_client, staff, alice):
    data_request = DataRequestFactory.create(requester_email=alice.email)

    response = staff_client.post(
        page("identity", data_request),
        {"method": "Replied from the account's address to our question", "member": alice.email},
    )

    assert response.status_code == 302
    data_request.refresh_from_db()
    assert (data_request.status, data_request.member) == (DataRequest.Status.OPEN, alice)


@pytest.mark.clause("U2", "U3")
def test_an_action_on_a_request_awaiting_identity_is_refused_with_a_clear_message(
    staff_client, alice
):
    data_request = DataRequestFactory.create(requester_email=alice.email, member=alice)

    response = staff_client.post(page("export", data_request), {"confirm": "on"})

    assert response.status_code == 200
    assert "identity is not established" in response.content.decode()
    assert not data_request.events.exists()


# --- Messages, type, deadline ----------------------------------------------------------


@pytest.mark.clause("U2")
def test_staff_write_to_the_requester(staff_client, django_capture_on_commit_callbacks):
    data_request = DataRequestFactory.create()

    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(
            page("message", data_request),
            {"subject": "Your request", "text": "Which account is it about?"},
        )

    [message] = mail.outbox
    assert message.to == [STRANGER]
    assert data_request.reference in message.subject
    assert "Which account is it about?" in message.body
    assert message.reply_to == [address("privacy", "petite.example")]
    assert data_request.events.get(kind=DataRequestEvent.Kind.MESSAGE_OUT).text == (
        "Which account is it about?"
    )


def test_staff_correct_the_guessed_type(staff_client, staff):
    data_request = DataRequestFactory.create(kind=DataRequest.Kind.OTHER)

    staff_client.post(page("kind", data_request), {"kind": "objection"})

    data_request.refresh_from_db()
    assert data_request.kind == DataRequest.Kind.OBJECTION
    event = data_request.events.get(kind=DataRequestEvent.Kind.KIND)
    assert event.data == {"before": "other", "after": "objection"}


@pytest.mark.clause("U6")
def test_an_extension_e_mails_its_reason_in_the_requester_language(
    staff_client, django_capture_on_commit_callbacks
):
    with time_machine.travel("2026-01-31 10:00 +01:00", tick=False):
        data_request = DataRequestFactory.create(language="fr")
        with django_capture_on_commit_callbacks(execute=True):
            response = staff_client.post(
                page("extend", data_request),
                {"reason": "Nous devons rassembler les données de trois prestataires."},
            )

    assert response.status_code == 302
    data_request.refresh_from_db()
    assert data_request.extended
    assert data_request.due_at.astimezone(PARIS).date().isoformat() == "2026-04-28"
    [message] = mail.outbox
    assert message.to == [STRANGER]
    assert "Nous devons rassembler les données de trois prestataires." in message.body
    assert "28 avril 2026" in message.body
    event = data_request.events.get(kind=DataRequestEvent.Kind.EXTENDED)
    assert event.text == "Nous devons rassembler les données de trois prestataires."


@pytest.mark.clause("U6")
def test_a_deadline_is_extended_only_once(staff):
    data_request = DataRequestFactory.create()
    actions.extend_deadline(request=data_request, reason="Complex request.", actor=staff)

    with pytest.raises(actions.ExtensionRefused):
        actions.extend_deadline(request=data_request, reason="Still complex.", actor=staff)

    assert data_request.events.filter(kind=DataRequestEvent.Kind.EXTENDED).count() == 1


@pytest.mark.clause("U6")
def test_an_extension_needs_a_reason(staff):
    data_request = DataRequestFactory.create()

    with pytest.raises(actions.ExtensionRefused):
        actions.extend_deadline(request=data_request, reason="  ", actor=staff)

    data_request.refresh_from_db()
    assert not data_request.extended


@pytest.mark.clause("U6")
def test_an_overdue_request_can_no_longer_be_extended(staff):
    data_request = DataRequestFactory.create(received_at=timezone.now() - timedelta(days=40))

    with pytest.raises(actions.ExtensionRefused):
        actions.extend_deadline(request=data_request, reason="Too late.", actor=staff)


# --- Rectification ---------------------------------------------------------------------


@pytest.mark.clause("U4")
def test_a_rectification_records_the_values_before_and_after(staff_client, staff, alice):
    data_request = identified_request(alice, kind=DataRequest.Kind.RECTIFICATION)

    response = staff_client.post(
        page("rectify", data_request),
        {"field": "accounts.Member.last_name", "value": "Martín"},
    )

    assert response.status_code == 302
    alice.refresh_from_db()
    assert alice.last_name == "Martín"
    event = data_request.events.get(kind=DataRequestEvent.Kind.RECTIFIED)
    assert event.data["field"] == "accounts.Member.last_name"
    assert (event.data["before"], event.data["after"]) == ("Martin", "Martín")
    assert event.actor == staff
    audit = AuditEvent.objects.get(action="datarequests.rectified")
    assert audit.data == {"field": "accounts.Member.last_name"}  # no values in the trail


@pytest.mark.clause("U4", "SEC1")
def test_rectifying_an_encrypted_field_keeps_its_history_encrypted(staff, alice):
    PortraitFactory.create(member=alice, street="12 rue des Lilas")
    data_request = identified_request(alice, kind=DataRequest.Kind.RECTIFICATION)

    event = actions.rectify(
        request=data_request,
        field_key="portraits.Portrait.street",
        value="14 rue des Lilas",
        actor=staff,
    )

    alice.portrait.refresh_from_db()
    assert alice.portrait.street == "14 rue des Lilas"
    event.refresh_from_db()
    assert event.rectification["before"] == "12 rue des Lilas"
    assert event.rectification["after"] == "14 rue des Lilas"
    assert "Lilas" not in str(event.data)
    with connection.cursor() as cursor:
        table = DataRequestEvent._meta.db_table
        cursor.execute(f"SELECT sealed FROM {table} WHERE id = %s", [event.pk])  # noqa: S608
        [(stored,)] = cursor.fetchall()
    assert stored
    assert "Lilas" not in stored


@pytest.mark.clause("U4")
def test_a_value_the_field_does_not_accept_is_refused(staff, alice):
    PortraitFactory.create(member=alice)
    data_request = identified_request(alice)

    with pytest.raises(actions.RectificationRefused):
        actions.rectify(
            request=data_request,
            field_key="portraits.Portrait.country",
            value="Atlantis",
            actor=staff,
        )

    alice.portrait.refresh_from_db()
    assert alice.portrait.country == "FR"


@pytest.mark.clause("U4")
def test_only_declared_fields_given_by_the_member_can_be_corrected(staff, alice):
    data_request = identified_request(alice)

    for key in ("accounts.Member.password", "accounts.Member.email", "accounts.Member.is_staff"):
        with pytest.raises(actions.RectificationRefused):
            actions.rectify(request=data_request, field_key=key, value="x", actor=staff)

    alice.refresh_from_db()
    assert not alice.is_staff


# --- Closing ---------------------------------------------------------------------------


@pytest.mark.clause("U2")
def test_a_refusal_tells_the_requester_they_may_complain_to_the_cnil(
    staff_client, django_capture_on_commit_callbacks
):
    data_request = DataRequestFactory.create()

    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(
            page("close", data_request),
            {"outcome": "refused", "message": "We could not establish who you are."},
        )

    data_request.refresh_from_db()
    assert data_request.status == DataRequest.Status.REFUSED
    assert data_request.closed_at is not None
    [message] = mail.outbox
    assert "We could not establish who you are." in message.body
    assert "CNIL" in message.body


@pytest.mark.clause("U2")
def test_a_closed_request_takes_no_more_action(staff, alice):
    data_request = identified_request(alice)
    actions.close(
        request=data_request, outcome=DataRequest.Status.DONE, message="Done.", actor=staff
    )

    with pytest.raises(actions.RequestClosed):
        actions.rectify(
            request=data_request,
            field_key="accounts.Member.first_name",
            value="Alicia",
            actor=staff,
        )


# --- The export and erasure engines ----------------------------------------------------


@pytest.mark.clause("U3")
def test_staff_export_the_member_data_with_the_export_engine(
    staff_client, staff, alice, django_capture_on_commit_callbacks
):

    data_request = identified_request(alice, kind=DataRequest.Kind.ACCESS)

    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(page("export", data_request), {"confirm": "on"})

    assert response.status_code == 302
    export = DataExport.objects.get(member=alice)
    assert export.requested_by_staff == staff
    event = data_request.events.get(kind=DataRequestEvent.Kind.EXPORTED)
    assert event.data["export"] == str(export.pk)
    told = [m for m in mail.outbox if data_request.reference in m.subject]
    assert len(told) == 1
    assert told[0].to == [alice.email]
    assert reverse("rights:export", args=[export.pk]) in told[0].body


@pytest.mark.clause("U3")
def test_staff_exports_are_not_limited_like_the_member_own(staff, alice):

    start_export(member=alice)
    data_request = identified_request(alice)

    actions.export_data(request=data_request, actor=staff)

    assert data_request.events.filter(kind=DataRequestEvent.Kind.EXPORTED).count() == 1


@pytest.mark.clause("U5", "U2")
def test_staff_erase_the_member_and_the_request_stays_as_anonymised_proof(
    staff_client, staff, alice, django_capture_on_commit_callbacks
):

    data_request = identified_request(alice, kind=DataRequest.Kind.ERASURE)
    DataRequestEvent.objects.create(
        request=data_request,
        kind=DataRequestEvent.Kind.RECEIVED,
        text="Please erase everything about Alice Martin.",
    )
    original_address = alice.email

    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(page("erase", data_request), {"confirm": "on"})

    assert response.status_code == 302
    assert not Member.objects.filter(pk=alice.pk).exists()
    receipt = ErasureReceipt.objects.get()
    data_request.refresh_from_db()
    assert data_request.status == DataRequest.Status.DONE
    assert data_request.member is None
    assert original_address not in data_request.requester_email
    erased = data_request.events.get(kind=DataRequestEvent.Kind.ERASED)
    assert erased.data == {"receipt": str(receipt.pk)}
    assert not data_request.events.filter(text__contains="Alice").exists()
    closing = [m for m in mail.outbox if data_request.reference in m.subject]
    assert [m.to for m in closing] == [[original_address]]


@pytest.mark.clause("U2")
def test_staff_delete_the_account_after_the_grace_period(staff_client, staff, alice):
    data_request = identified_request(alice, kind=DataRequest.Kind.ACCOUNT_DELETION)

    response = staff_client.post(
        page("delete_account", data_request), {"confirm": "on", "when": "later"}
    )

    assert response.status_code == 302
    alice.refresh_from_db()
    assert alice.deletion_due_at is not None
    assert alice.deletion_due_at > timezone.now() + timedelta(days=13)
    data_request.refresh_from_db()
    assert data_request.status == DataRequest.Status.DONE
    event = data_request.events.get(kind=DataRequestEvent.Kind.ACCOUNT_DELETION)
    assert event.data == {"immediate": False}


@pytest.mark.clause("U2")
def test_staff_delete_the_account_at_once(
    staff_client, staff, alice, django_capture_on_commit_callbacks
):

    data_request = identified_request(alice, kind=DataRequest.Kind.ACCOUNT_DELETION)

    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(page("delete_account", data_request), {"confirm": "on", "when": "now"})

    assert not Member.objects.filter(pk=alice.pk).exists()
    data_request.refresh_from_db()
    assert data_request.status == DataRequest.Status.DONE
    assert data_request.member is None


def test_the_deadline_of_an_entered_request_is_computed_in_paris(staff):
    received = deadlines.end_of_day(timezone.localdate())
    data_request = actions.receive_request(
        channel=DataRequest.Channel.STAFF,
        requester_email=STRANGER,
        text="By phone",
        received_at=received,
        actor=staff,
    )

    assert data_request.due_at == deadlines.due_date(received)


@pytest.mark.parametrize(
    "slug",
    [
        "identity",
        "kind",
        "message",
        "extend",
        "rectify",
        "export",
        "erase",
        "delete_account",
        "close",
    ],
)
def test_every_action_page_opens(staff_client, alice, slug):
    data_request = identified_request(alice)

    response = staff_client.get(page(slug, data_request))

    assert response.status_code == 200
    assert data_request.reference in response.content.decode()


def test_the_entry_page_opens(staff_client):
    response = staff_client.get(reverse("admin:datarequests_datarequest_add"))

    assert response.status_code == 200
    assert 'name="requester_email"' in response.content.decode()


def test_requests_are_never_deleted_in_the_back_office(staff_client, alice):
    data_request = identified_request(alice)

    response = staff_client.post(
        reverse("admin:datarequests_datarequest_delete", args=[data_request.pk]), {"post": "yes"}
    )

    assert response.status_code == 403
    assert DataRequest.objects.filter(pk=data_request.pk).exists()
