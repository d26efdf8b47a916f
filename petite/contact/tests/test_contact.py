"""The contact form: visitors and members write to the team, also without cookies (R1.4, R1.5, P6)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.conf import settings
from django.core import mail
from django.core.cache import cache
from django.core.mail import EmailMultiAlternatives
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from petite.accounts.models import Member
from petite.accounts.tests.factories import address
from petite.contact import protection
from petite.contact.models import ContactMessage
from petite.core.models import AuditEvent
from petite.privacy.registry import declaration_for

FORM = "/contact/"
THANKS = "/contact/thanks/"
SAME_ORIGIN: dict[str, Any] = {
    "HTTP_ORIGIN": "http://testserver",
    "HTTP_SEC_FETCH_SITE": "same-origin",
}
VISITOR_EMAIL = address("claire")

Commit = Callable[..., Any]


@pytest.fixture
def started() -> str:
    """A start time signed half a minute ago, as if the visitor took time to write."""
    with time_machine.travel(timezone.now() - timedelta(seconds=30)):
        return protection.issue_started()


@pytest.fixture
def cookieless() -> Iterator[Client]:
    """A browser that refuses every cookie: CSRF enforced, and nothing is ever sent back."""
    client = Client(enforce_csrf_checks=True)
    yield client
    client.cookies.clear()


def message_data(started: str, **overrides: str) -> dict[str, str]:
    data = {
        "name": "Claire Dupont",
        "email": VISITOR_EMAIL,
        "subject": "A question about Portraits",
        "message": "Can I hide my Portrait from other members?",
        "website": "",
        "started": started,
    }
    data.update(overrides)
    return data


def post(client: Client, data: dict[str, str], **headers: Any) -> Any:
    client.cookies.clear()  # nothing the server set is ever sent back
    return client.post(FORM, data, **(headers or SAME_ORIGIN))


@pytest.mark.clause("R1.4")
@pytest.mark.clause("R1.5")
def test_a_visitor_without_cookies_reaches_the_team(
    db: None, cookieless: Client, django_capture_on_commit_callbacks: Commit
) -> None:
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        page = cookieless.get(FORM)
        token = re.search(r'name="started" value="([^"]+)"', page.content.decode())
        assert token is not None
        traveller.shift(20)  # the visitor writes
        with django_capture_on_commit_callbacks(execute=True):
            response = post(cookieless, message_data(token.group(1)))

    assert page.cookies == {}  # the page set no cookie
    assert response.status_code == 302
    assert response["Location"] == THANKS
    stored = ContactMessage.objects.get()
    assert (stored.name, stored.email, stored.member) == ("Claire Dupont", VISITOR_EMAIL, None)
    team = [m for m in mail.outbox if m.to == [settings.PETITE_TEAM_EMAIL]]
    assert len(team) == 1
    assert "Can I hide my Portrait from other members?" in team[0].body
    assert "Claire Dupont" in team[0].reply_to[0]
    assert VISITOR_EMAIL in team[0].reply_to[0]


@pytest.mark.clause("R1.4")
def test_the_sender_gets_a_confirmation(
    db: None, client: Client, started: str, django_capture_on_commit_callbacks: Commit
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        post(client, message_data(started))

    confirmations = [m for m in mail.outbox if m.to == [VISITOR_EMAIL]]
    assert len(confirmations) == 1
    assert "A question about Portraits" in confirmations[0].body
    assert "Can I hide" not in confirmations[0].body  # the message itself is not relayed


@pytest.mark.clause("R1.4")
def test_a_message_appears_in_the_back_office_inbox(
    db: None, client: Client, started: str, staff_client: Client
) -> None:
    post(client, message_data(started))

    listing = staff_client.get(reverse("admin:contact_contactmessage_changelist"))
    detail = staff_client.get(
        reverse("admin:contact_contactmessage_change", args=[ContactMessage.objects.get().pk])
    )

    assert "A question about Portraits" in listing.content.decode()
    assert "Claire Dupont" in listing.content.decode()
    assert "Can I hide my Portrait from other members?" in detail.content.decode()


@pytest.mark.clause("R1.4")
def test_the_thank_you_page_needs_no_cookie(cookieless: Client, db: None) -> None:
    response = cookieless.get(THANKS)

    assert response.status_code == 200
    assert response.cookies == {}


@pytest.mark.clause("R1.4")
def test_a_member_finds_their_name_and_address_filled_in(alice: Member) -> None:
    client = Client()
    client.force_login(alice)

    content = client.get(FORM).content.decode()

    assert 'value="Alice Martin"' in content
    assert f'value="{alice.email}"' in content


@pytest.mark.clause("R1.4")
def test_a_members_message_is_linked_to_them(alice: Member, started: str) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)

    response = client.post(
        FORM, message_data(started, name="Alice Martin", email=alice.email), **SAME_ORIGIN
    )

    assert response.status_code == 302
    assert ContactMessage.objects.get().member == alice


@pytest.mark.clause("SEC1")
@pytest.mark.parametrize(
    "headers",
    [
        {"HTTP_SEC_FETCH_SITE": "cross-site", "HTTP_ORIGIN": "https://evil.example"},
        {"HTTP_SEC_FETCH_SITE": "same-site", "HTTP_ORIGIN": "http://sub.testserver"},
        {"HTTP_SEC_FETCH_SITE": "same-origin", "HTTP_ORIGIN": "https://evil.example"},
        {"HTTP_ORIGIN": "https://evil.example"},
        {"HTTP_ORIGIN": "null"},
        {"HTTP_REFERER": "https://evil.example/contact/"},
        {"HTTP_X_NOTHING": "no origin, no referer"},
    ],
    ids=[
        "cross-site",
        "same-site",
        "lying",
        "foreign-origin",
        "null-origin",
        "foreign-referer",
        "bare",
    ],
)
def test_a_post_from_another_site_is_refused_and_stores_nothing(
    db: None,
    cookieless: Client,
    started: str,
    headers: dict[str, Any],
    django_capture_on_commit_callbacks: Commit,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = post(cookieless, message_data(started), **headers)

    assert response.status_code == 403
    assert "was not sent" in response.content.decode()
    assert ContactMessage.objects.count() == 0
    assert mail.outbox == []


@pytest.mark.clause("R1.5")
@pytest.mark.parametrize(
    "headers",
    [
        {"HTTP_ORIGIN": "http://testserver"},  # no Sec-Fetch-Site: older browsers
        {"HTTP_SEC_FETCH_SITE": "same-origin"},  # no Origin
        {"HTTP_REFERER": "http://testserver/contact/"},  # neither: very old browsers
    ],
    ids=["origin-only", "fetch-site-only", "referer-only"],
)
def test_a_post_from_our_own_page_is_accepted_by_older_browsers(
    db: None, cookieless: Client, started: str, headers: dict[str, str]
) -> None:
    response = post(cookieless, message_data(started), **headers)

    assert response.status_code == 302
    assert ContactMessage.objects.count() == 1


@pytest.mark.clause("R1.4")
def test_a_filled_honeypot_looks_like_success_but_keeps_and_sends_nothing(
    db: None, client: Client, started: str, django_capture_on_commit_callbacks: Commit
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = post(client, message_data(started, website="https://spam.example"))

    assert response.status_code == 302
    assert response["Location"] == THANKS
    assert ContactMessage.objects.count() == 0
    assert mail.outbox == []


def test_the_honeypot_is_hidden_and_labelled_for_screen_readers(db: None, client: Client) -> None:
    content = client.get(FORM).content.decode()

    assert re.search(
        r'<div class="honeypot">\s*<label for="id_website">Leave this field empty</label>', content
    )


@pytest.mark.clause("R1.4")
def test_a_form_sent_too_fast_is_refused_with_a_clear_message(db: None, client: Client) -> None:
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        token = protection.issue_started()
        traveller.shift(1)
        response = post(client, message_data(token))

    assert response.status_code == 200
    assert "That was very fast" in response.content.decode()
    assert ContactMessage.objects.count() == 0


@pytest.mark.clause("R1.4")
def test_the_same_form_can_be_sent_again_a_moment_later(db: None, client: Client) -> None:
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        token = protection.issue_started()
        traveller.shift(1)
        refused = post(client, message_data(token))
        resent_token = re.search(r'name="started" value="([^"]+)"', refused.content.decode())
        assert resent_token is not None
        traveller.shift(5)
        response = post(client, message_data(resent_token.group(1)))

    assert response.status_code == 302
    assert ContactMessage.objects.count() == 1


@pytest.mark.clause("R1.4")
def test_a_form_older_than_a_day_is_refused_with_a_clear_message(db: None, client: Client) -> None:
    with time_machine.travel(timezone.now() - timedelta(days=1, minutes=1)):
        token = protection.issue_started()

    response = post(client, message_data(token))

    assert "more than a day ago" in response.content.decode()
    assert ContactMessage.objects.count() == 0


@pytest.mark.parametrize("token", ["", "12345", "1700000000:forged-signature"])
def test_a_missing_or_forged_start_time_is_refused(db: None, client: Client, token: str) -> None:
    response = post(client, message_data(token))

    assert response.status_code == 200
    assert "could not be checked" in response.content.decode()
    assert ContactMessage.objects.count() == 0


@pytest.mark.clause("R1.4")
@pytest.mark.clause("P8")
def test_the_rate_limit_per_ip_stops_a_flood_with_a_clear_message(
    db: None, client: Client, started: str
) -> None:
    for n in range(protection.PER_IP.count):
        assert post(client, message_data(started, email=address(f"sender{n}"))).status_code == 302

    response = post(client, message_data(started, email=address("one-more")))

    assert response.status_code == 429
    assert "several messages in a short time" in response.content.decode()
    assert ContactMessage.objects.count() == protection.PER_IP.count


@pytest.mark.clause("P8")
def test_the_rate_limit_per_address_holds_across_ips(
    db: None, client: Client, started: str
) -> None:
    for n in range(protection.PER_ADDRESS.count):
        client.post(FORM, message_data(started), REMOTE_ADDR=f"90.0.0.{n + 1}", **SAME_ORIGIN)

    response = client.post(FORM, message_data(started), REMOTE_ADDR="90.0.0.99", **SAME_ORIGIN)

    assert response.status_code == 429
    assert ContactMessage.objects.count() == protection.PER_ADDRESS.count


@pytest.mark.clause("P8")
def test_the_rate_limit_opens_again_after_its_window(
    db: None, client: Client, started: str
) -> None:
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        for n in range(protection.PER_IP.count + 1):
            post(client, message_data(started, email=address(f"sender{n}")))
        traveller.shift(protection.PER_IP.seconds + 1)
        response = post(client, message_data(started, email=address("later")))

    assert response.status_code == 302


def test_the_rate_limit_keeps_no_ip_or_address_in_the_cache() -> None:
    assert protection.consume(ip="90.0.0.1", email=address("nina"))

    keys = list(cache._cache)  # type: ignore[attr-defined]
    assert keys
    assert not any("90.0.0.1" in key or "nina" in key for key in keys)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("name", "n" * 151),
        ("subject", "s" * 201),
        ("message", "m" * 5001),
        ("email", "e" * 250 + "@example.org"),
        ("email", "not an address"),
        ("email", "claire@"),
        ("name", ""),
        ("message", ""),
        ("subject", "Hello\r\nBcc: victim"),
        ("name", "Claire\x00"),
    ],
)
def test_bad_input_gets_a_clear_error_and_stores_nothing(
    db: None, client: Client, started: str, field: str, value: str
) -> None:
    response = post(client, message_data(started, **{field: value}))

    assert response.status_code == 200
    assert re.search(r'class="errorlist', response.content.decode())
    assert ContactMessage.objects.count() == 0


HOSTILE_NAME = "<script>alert(1)</script>'); DROP TABLE contact_contactmessage;--"


@pytest.mark.clause("R1.4")
def test_html_and_sql_in_the_name_are_kept_as_text_and_shown_escaped(
    db: None,
    client: Client,
    started: str,
    staff_client: Client,
    django_capture_on_commit_callbacks: Commit,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        post(client, message_data(started, name=HOSTILE_NAME))

    assert ContactMessage.objects.get().name == HOSTILE_NAME
    inbox = staff_client.get(reverse("admin:contact_contactmessage_changelist")).content.decode()
    assert "<script>alert(1)</script>" not in inbox
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in inbox
    confirmation = next(m for m in mail.outbox if m.to == [VISITOR_EMAIL])
    assert isinstance(confirmation, EmailMultiAlternatives)
    html = str(confirmation.alternatives[0][0])
    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


@pytest.mark.clause("R1.4")
def test_the_confirmation_is_in_the_senders_language(
    db: None, client: Client, started: str, django_capture_on_commit_callbacks: Commit
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/fr" + FORM, message_data(started), **SAME_ORIGIN)

    confirmation = next(m for m in mail.outbox if m.to == [VISITOR_EMAIL])
    assert ContactMessage.objects.get().language == "fr"
    assert "Nous avons bien reçu votre message" in confirmation.body


@pytest.mark.clause("SEC1")
def test_marking_messages_handled_is_audited(
    db: None, client: Client, started: str, staff: Member, staff_client: Client
) -> None:
    post(client, message_data(started))
    message = ContactMessage.objects.get()

    response = staff_client.post(
        reverse("admin:contact_contactmessage_changelist"),
        {"action": "mark_handled", "_selected_action": [message.pk]},
    )

    assert response.status_code == 302
    message.refresh_from_db()
    assert message.handled
    assert message.handled_at is not None
    event = AuditEvent.objects.get(action="contact.marked_handled")
    assert event.actor == staff
    assert event.data == {"messages": [message.pk]}


@pytest.mark.clause("SEC1")
def test_messages_cannot_be_edited_in_the_back_office(
    db: None, client: Client, started: str, staff_client: Client
) -> None:
    post(client, message_data(started))
    message = ContactMessage.objects.get()

    response = staff_client.post(
        reverse("admin:contact_contactmessage_change", args=[message.pk]),
        {"name": "Someone else", "subject": "Changed", "message": "Changed", "handled": "on"},
    )

    assert response.status_code == 403
    message.refresh_from_db()
    assert (message.name, message.handled) == ("Claire Dupont", False)


@pytest.mark.clause("P6")
def test_messages_are_declared_under_p6_with_its_retention() -> None:
    declaration = declaration_for(ContactMessage)

    assert declaration is not None
    assert declaration.purpose_ids == ["P6"]
    assert declaration.timestamp == "created_at"
    assert declaration.retention.days_setting == "PETITE_CONTACT_RETENTION_DAYS"


@pytest.mark.clause("P6")
@pytest.mark.clause("U5")
def test_a_members_erasure_finds_what_they_wrote_as_a_visitor_too(
    alice: Member, client: Client, started: str
) -> None:
    post(client, message_data(started, email=alice.email.upper()))  # before signing in
    post(client, message_data(started, email=address("someone-else")))
    declaration = declaration_for(ContactMessage)
    assert declaration is not None

    found = declaration.queryset_for(alice)

    assert [m.email for m in found] == [alice.email.upper()]


@pytest.mark.clause("P6")
def test_deleting_a_member_deletes_the_messages_they_wrote(alice: Member, started: str) -> None:
    client = Client()
    client.force_login(alice)
    client.post(FORM, message_data(started, email=alice.email), **SAME_ORIGIN)

    alice.delete()

    assert ContactMessage.objects.count() == 0
