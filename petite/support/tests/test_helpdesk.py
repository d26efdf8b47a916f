"""The help desk from both sides (P6): requests, threads, statuses, notes, opinions, files."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from petite.accounts.tests.factories import signed_in
from petite.contact.models import ContactMessage
from petite.core.audit import AuditEvent
from petite.core.errors import ActionRefused
from petite.support import actions, addresses
from petite.support.models import CannedReply, HelpMessage, HelpRequest

from .conftest import back_office, open_for

pytestmark = pytest.mark.clause("P6")

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def test_a_visitor_opens_a_request_from_the_help_page_and_gets_a_signed_reply_address(
    client, db, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("support:help"),
            {
                "name": "Claire",
                "email": "claire@example.net",
                "subject": "A question",
                "body": "How do I?",
            },
        )

    assert response.status_code == 200
    request = HelpRequest.objects.get()
    assert (request.requester_email, request.status, request.channel) == (
        "claire@example.net",
        "new",
        "web",
    )
    assert request.messages.get().body == "How do I?"
    [acknowledgement] = mail.outbox
    assert acknowledgement.to == ["claire@example.net"]
    assert acknowledgement.reply_to == [addresses.reply_address(request.pk)]
    assert f"help request #{request.pk}" in acknowledgement.body
    assert AuditEvent.objects.filter(action="support.request_opened").count() == 1


def test_a_member_writes_as_themselves_and_finds_the_request_in_their_settings(alice, db):
    client = signed_in(alice)
    response = client.post(
        reverse("support:help"),
        {
            "name": "Someone else",
            "email": "other@example.net",
            "subject": "Bill",
            "body": "Question",
        },
    )

    request = HelpRequest.objects.get()
    assert response["Location"] == reverse("support:detail", args=[request.pk])
    assert (request.member, request.requester_email) == (alice, alice.email)
    page = client.get(reverse("support:list")).content.decode()
    assert "Bill" in page
    assert request.reference in page


def test_another_member_cannot_open_someone_elses_request(alice, bob, db):
    request = open_for(alice)
    assert signed_in(bob).get(reverse("support:detail", args=[request.pk])).status_code == 404


def test_internal_notes_are_never_shown_or_mailed_and_answers_are(
    alice, staff, db, django_capture_on_commit_callbacks
):
    request = open_for(alice)
    with django_capture_on_commit_callbacks(execute=True):
        actions.answer(request=request, author=staff, body="Customer seems confused", internal=True)
        actions.answer(request=request, author=staff, body="Here is how to sign in.")

    page = signed_in(alice).get(reverse("support:detail", args=[request.pk])).content.decode()
    assert "Here is how to sign in." in page
    assert "confused" not in page
    [answer] = mail.outbox
    assert "Here is how to sign in." in answer.body
    assert "confused" not in answer.body
    assert "confused" not in str(getattr(answer, "alternatives", [("", "")])[0][0])
    request.refresh_from_db()
    assert request.status == HelpRequest.Status.WAITING
    assert request.first_response_at is not None
    assert request.assignee == staff


def test_statuses_follow_the_conversation_and_a_closed_request_takes_no_more(alice, staff, db):
    request = open_for(alice)
    actions.answer(request=request, author=staff, body="Try this", status="solved")
    request.refresh_from_db()
    assert request.status == "solved"
    assert request.solved_at is not None

    actions.reply_as_requester(request=request, body="It still fails")
    request.refresh_from_db()
    assert request.status == "open"
    assert request.solved_at is None

    actions.set_status(request=request, actor=staff, status="closed")
    with pytest.raises(ActionRefused) as refused:
        actions.reply_as_requester(request=request, body="Hello?")
    assert refused.value.status == 409


def test_the_opinion_is_asked_only_once_solved(alice, staff, db):
    request = open_for(alice)
    client = signed_in(alice)
    url = reverse("support:detail", args=[request.pk])
    assert client.post(url, {"satisfaction": "good"}).status_code == 409

    actions.answer(request=request, author=staff, body="Done", status="solved")
    client.post(url, {"satisfaction": "good", "comment": "Quick, thanks"})

    request.refresh_from_db()
    assert (request.satisfaction, request.satisfaction_comment) == ("good", "Quick, thanks")


def test_an_image_is_attached_and_a_program_is_refused(alice, db, clamd):
    client = signed_in(alice)
    request = open_for(alice)
    url = reverse("support:detail", args=[request.pk])

    client.post(url, {"body": "Screenshot", "attachments": [SimpleUploadedFile("screen.png", PNG)]})
    refused = client.post(
        url, {"body": "Program", "attachments": [SimpleUploadedFile("tool.exe", b"MZ..")]}
    )
    liar = client.post(
        url, {"body": "Fake", "attachments": [SimpleUploadedFile("fake.png", b"MZ....")]}
    )

    assert refused.status_code == 400
    assert liar.status_code == 400
    message = HelpMessage.objects.get(body="Screenshot")
    attachment = message.attachments.get()
    assert (attachment.name, attachment.content_type) == ("screen.png", "image/png")
    assert not HelpMessage.objects.filter(body__in=["Program", "Fake"]).exists()
    download = client.get(reverse("support:attachment", args=[attachment.pk]))
    assert download.getvalue() == PNG


def test_staff_answer_from_the_queue_with_a_canned_reply(
    alice, staff, staff_client, db, django_capture_on_commit_callbacks
):
    canned = CannedReply.objects.create(
        title="Reset", body_en="Use the reset link.", body_fr="Utilisez le lien."
    )
    request = open_for(alice)
    mail.outbox.clear()
    url = reverse("admin:support_helprequest_answer", args=[request.pk])

    assert "Use the reset link." in staff_client.get(url, {"canned": canned.pk}).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(url, {"canned": canned.pk, "body": "", "status": "solved"})

    assert request.messages.filter(from_requester=False).get().body == "Use the reset link."
    assert mail.outbox[0].body.count("Use the reset link.") == 1
    queue = staff_client.get(reverse("admin:support_helprequest_changelist"))
    assert queue.status_code == 200


def test_staff_turn_a_contact_message_into_a_request(staff_client, db):
    message = ContactMessage.objects.create(
        name="Claire", email="claire@example.net", subject="Lost", message="I lost my password"
    )
    staff_client.post(
        reverse("admin:contact_contactmessage_changelist"),
        {"action": "make_help_request", "_selected_action": [message.pk]},
    )

    request = HelpRequest.objects.get()
    assert (request.channel, request.subject) == ("contact", "Lost")
    assert request.messages.get().body == "I lost my password"


def test_back_office_queue_shows_targets(alice, staff_client, db):
    open_for(alice, subject="Late one")
    page = staff_client.get(reverse("admin:support_helprequest_changelist")).content.decode()
    assert "Late one" in page
    assert "first answer due" in page.lower()


def test_back_office_refuses_a_member(alice, db):
    client = back_office(alice)
    response = client.get(reverse("admin:support_helprequest_changelist"))
    assert response.status_code == 302


def test_an_infected_file_is_refused_by_the_malware_scanner(alice, db, clamd, eicar):
    request = open_for(alice)
    response = signed_in(alice).post(
        reverse("support:detail", args=[request.pk]),
        {"body": "Virus", "attachments": [SimpleUploadedFile("notes.txt", eicar)]},
    )
    assert response.status_code == 400
    assert not HelpMessage.objects.filter(body="Virus").exists()


def test_no_attachment_is_accepted_while_the_scanner_is_down(alice, db):
    request = open_for(alice)
    response = signed_in(alice).post(
        reverse("support:detail", args=[request.pk]),
        {"body": "Shot", "attachments": [SimpleUploadedFile("screen.png", PNG)]},
    )
    assert response.status_code == 503
    assert not HelpMessage.objects.filter(body="Shot").exists()
