"""A member with something in every store the inventory knows of, for erasure tests.

Every row is made the way the platform makes it (sign-in through allauth, the
connection log's action, the audit trail's ``record``), so that an erasure test
proves what happens to real data.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from allauth.account.models import EmailAddress
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from axes.models import AccessAttempt
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from petite.accounts import actions
from petite.accounts.models import ConnectionEvent, Member
from petite.accounts.tests.factories import PASSWORD, MemberFactory, address
from petite.contact.models import ContactMessage
from petite.core import audit
from petite.portraits.models import Portrait


@dataclass
class Person:
    first_name: str
    last_name: str
    local_part: str
    street: str
    postcode: str
    city: str

    @property
    def email(self) -> str:
        return address(self.local_part)

    @property
    def work_email(self) -> str:
        return address(self.local_part + ".work", "work.example")

    @property
    def identifiers(self) -> list[str]:
        return [
            self.email,
            self.work_email,
            self.first_name,
            self.last_name,
            self.street,
            self.postcode,
            self.city,
        ]


OTTILIE = Person(
    "Ottilie", "Vandersteen", "ottilie", "7 impasse des Glycines", "29300", "Quimperlé"
)
BRUNO = Person("Bruno", "Keller", "bruno", "3 Sonnenweg", "8001", "Zürich")


@dataclass
class Populated:
    member: Member
    device: Client
    person: Person
    counts: dict[str, int] = field(default_factory=dict)


def populate(person: Person) -> Populated:
    """``person`` wrote as a visitor, then opened an account, signed in, used the
    Platform, filled in a Portrait, wrote again, and once mistyped their password."""
    ContactMessage.objects.create(
        name=f"{person.first_name} {person.last_name}",
        email=person.email,
        subject="Before I joined",
        message=f"Hello, this is {person.first_name}.",
        created_at=timezone.now() - timedelta(days=30),
    )
    member = MemberFactory.create(
        first_name=person.first_name, last_name=person.last_name, email=person.email
    )
    EmailAddress.objects.create(user=member, email=person.work_email, primary=False, verified=False)
    device = Client(HTTP_USER_AGENT="Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0")
    response = device.post(reverse("account_login"), {"login": person.email, "password": PASSWORD})
    assert response.status_code == 302
    # Audience measurement (P2) needs consent: accepted in the cookie banner, which
    # also leaves a consent record in the ledger.
    device.post(
        reverse("consent:save"),
        {"action": "accept_all"},
        HTTP_ORIGIN="http://testserver",
        HTTP_SEC_FETCH_SITE="same-origin",
    )
    device.get(reverse("accounts:security"))
    TOTP.activate(member, generate_totp_secret())
    actions.record_connection(
        member=member,
        succeeded=False,
        method=ConnectionEvent.Method.PASSWORD,
        failure=ConnectionEvent.Failure.CREDENTIALS,
        ip="90.0.0.1",
        user_agent="Firefox",
    )
    Portrait.objects.create(
        member=member,
        display_name=person.first_name,
        bio=f"{person.first_name} grows roses.",
        interests="roses",
        street=person.street,
        postcode=person.postcode,
        city=person.city,
        country="FR",
    )
    ContactMessage.objects.create(
        member=member,
        name=f"{person.first_name} {person.last_name}",
        email=person.email,
        subject="A question",
        message="Where is my Portrait shown?",
    )
    audit.record("test.something_done", actor=member, target=member)
    AccessAttempt.objects.create(
        username=person.email,
        ip_address="90.0.0.1",
        user_agent="Firefox",
        http_accept="*/*",
        path_info="/accounts/login/",
        get_data="",
        post_data="",
        failures_since_start=2,
    )
    return Populated(member=member, device=device, person=person)
