"""Identity before action (U2, U3): a link to a verified address, a signed-in session, or
what staff checked. Until then, nothing is disclosed, changed or erased."""

from __future__ import annotations

import base64
import re
from datetime import timedelta

import pytest
import time_machine
from allauth.account.models import EmailAddress
from django.core import mail
from django.utils import timezone

from petite.accounts.tests.factories import MemberFactory, address
from petite.core.errors import ActionRefused
from petite.core.models import AuditEvent
from petite.datarequests import actions
from petite.datarequests.models import DataRequest, DataRequestEvent

from .factories import STRANGER, DataRequestFactory

LINK = re.compile(r"https://petite\.example(/(?:fr/)?data-requests/confirm/[^/\s]+/)")


def e_mailed_request(email: str, **kwargs) -> DataRequest:
    return actions.receive_request(
        channel=DataRequest.Channel.EMAIL,
        requester_email=email,
        subject="Copy of my data",
        text="Please send me a copy of my data.",
        **kwargs,
    )


def confirmation_path() -> str:
    [message] = mail.outbox
    found = LINK.search(str(message.body))
    assert found is not None, message.body
    return found.group(1)


@pytest.mark.clause("U2", "U3")
def test_a_request_from_a_verified_address_gets_a_confirmation_link(
    alice, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        data_request = e_mailed_request(alice.email)

    [message] = mail.outbox
    assert message.to == [alice.email]
    assert data_request.reference in message.subject
    assert data_request.status == DataRequest.Status.AWAITING_IDENTITY
    assert data_request.member is None
    assert data_request.events.filter(kind=DataRequestEvent.Kind.IDENTITY_LINK).exists()


@pytest.mark.clause("U2", "U3")
def test_opening_the_link_changes_nothing_until_the_button_is_pressed(
    client, alice, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        data_request = e_mailed_request(alice.email)

    response = client.get(confirmation_path())

    assert response.status_code == 200
    assert "Yes, I made this request" in response.content.decode()
    data_request.refresh_from_db()
    assert data_request.status == DataRequest.Status.AWAITING_IDENTITY


@pytest.mark.clause("U2", "U3")
def test_confirming_the_link_establishes_identity(
    client, alice, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        data_request = e_mailed_request(alice.email)

    response = client.post(confirmation_path())

    assert response.status_code == 200
    data_request.refresh_from_db()
    assert data_request.status == DataRequest.Status.OPEN
    assert data_request.member == alice
    assert data_request.identity_method == actions.IDENTITY_BY_LINK
    assert data_request.identity_confirmed_at is not None
    assert data_request.events.filter(kind=DataRequestEvent.Kind.IDENTITY).exists()
    assert AuditEvent.objects.filter(
        action="datarequests.identity_established", actor=alice
    ).exists()


@pytest.mark.clause("U2", "U3")
def test_a_link_older_than_seven_days_is_refused(client, alice, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        data_request = e_mailed_request(alice.email)
    path = confirmation_path()

    with time_machine.travel(timezone.now() + timedelta(days=7, minutes=1)):
        response = client.post(path)

    assert response.status_code == 400
    assert "expired" in response.content.decode()
    data_request.refresh_from_db()
    assert data_request.status == DataRequest.Status.AWAITING_IDENTITY


@pytest.mark.clause("U2", "SEC1")
def test_a_tampered_link_is_refused(client, alice, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        e_mailed_request(alice.email)
    path = confirmation_path()

    response = client.post(path.replace("/confirm/", "/confirm/x"))

    assert response.status_code == 400
    assert not DataRequest.objects.filter(status=DataRequest.Status.OPEN).exists()


@pytest.mark.clause("U2", "SEC1")
def test_a_link_proves_nothing_once_the_address_is_no_longer_verified(
    client, alice, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        data_request = e_mailed_request(alice.email)
    EmailAddress.objects.filter(user=alice).update(verified=False)

    response = client.post(confirmation_path())

    assert response.status_code == 400
    data_request.refresh_from_db()
    assert data_request.member is None


@pytest.mark.clause("U2")
def test_an_unverified_address_gets_no_link(db, django_capture_on_commit_callbacks):
    member = MemberFactory.create(email=address("dora"), verified=False)

    with django_capture_on_commit_callbacks(execute=True):
        data_request = e_mailed_request(member.email)

    assert not data_request.events.filter(kind=DataRequestEvent.Kind.IDENTITY_LINK).exists()
    [acknowledgement] = mail.outbox
    assert "/confirm/" not in acknowledgement.body


@pytest.mark.clause("U2")
def test_a_request_from_an_unknown_address_still_becomes_a_request(
    db, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        data_request = e_mailed_request(STRANGER)

    assert data_request.status == DataRequest.Status.AWAITING_IDENTITY
    assert data_request.member is None
    [acknowledgement] = mail.outbox
    assert acknowledgement.to == [STRANGER]
    assert data_request.reference in acknowledgement.subject
    assert "must be sure that it comes from the person concerned" in acknowledgement.body
    assert acknowledgement.extra_headers["Auto-Submitted"] == "auto-generated"


@pytest.mark.clause("U2", "U3")
def test_staff_record_how_identity_was_established(alice, staff):
    data_request = DataRequestFactory.create(requester_email=alice.email)

    actions.establish_identity(
        request=data_request,
        method="Called back on the phone number of the account",
        member=alice,
        actor=staff,
    )

    data_request.refresh_from_db()
    assert (data_request.status, data_request.member, data_request.identity_method) == (
        DataRequest.Status.OPEN,
        alice,
        "Called back on the phone number of the account",
    )
    event = data_request.events.get(kind=DataRequestEvent.Kind.IDENTITY)
    assert event.actor == staff
    assert AuditEvent.objects.filter(
        action="datarequests.identity_established", actor=staff
    ).exists()


@pytest.mark.clause("U2", "U3")
def test_staff_must_say_how_identity_was_established(alice, staff):
    data_request = DataRequestFactory.create(requester_email=alice.email)

    with pytest.raises(ActionRefused):
        actions.establish_identity(request=data_request, method="   ", actor=staff)

    data_request.refresh_from_db()
    assert data_request.status == DataRequest.Status.AWAITING_IDENTITY


@pytest.mark.clause("U3", "U4")
@pytest.mark.parametrize(
    "act",
    [
        lambda r, staff: actions.rectify(
            request=r, field_key="accounts.Member.first_name", value="Alicia", actor=staff
        ),
        lambda r, staff: actions.export_data(request=r, actor=staff),
        lambda r, staff: actions.erase_data(request=r, actor=staff),
        lambda r, staff: actions.delete_account(request=r, immediate=True, actor=staff),
        lambda r, staff: actions.close(
            request=r, outcome=DataRequest.Status.DONE, message="Done.", actor=staff
        ),
    ],
    ids=["rectify", "export", "erase", "delete-account", "close-as-done"],
)
def test_nothing_is_done_on_a_request_awaiting_identity(alice, staff, act):
    data_request = DataRequestFactory.create(requester_email=alice.email, member=alice)

    with pytest.raises(actions.IdentityNotEstablished) as refused:
        act(data_request, staff)

    assert "identity is not established" in str(refused.value)
    alice.refresh_from_db()
    assert alice.first_name == "Alice"
    assert data_request.events.count() == 0


@pytest.mark.clause("U2", "U3")
def test_staff_send_a_new_link_when_the_first_one_expired(
    client, alice, staff, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        data_request = e_mailed_request(alice.email)
    mail.outbox.clear()

    with time_machine.travel(timezone.now() + timedelta(days=8)):
        with django_capture_on_commit_callbacks(execute=True):
            actions.send_identity_link(request=data_request, actor=staff)
        response = client.post(confirmation_path())

    assert response.status_code == 200
    data_request.refresh_from_db()
    assert data_request.status == DataRequest.Status.OPEN


@pytest.mark.clause("U2")
def test_no_link_can_be_sent_to_an_address_no_member_verified(staff):
    data_request = DataRequestFactory.create()

    with pytest.raises(ActionRefused):
        actions.send_identity_link(request=data_request, actor=staff)


@pytest.mark.clause("U2", "SEC1")
def test_the_link_holds_no_e_mail_address(alice, django_capture_on_commit_callbacks):

    with django_capture_on_commit_callbacks(execute=True):
        e_mailed_request(alice.email)

    token = confirmation_path().rstrip("/").rsplit("/", 1)[1]
    payload = base64.urlsafe_b64decode(token.split(":")[0] + "==")
    assert b"alice" not in payload.lower()
    assert b"@" not in payload
