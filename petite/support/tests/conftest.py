"""Help-desk fixtures: staff of each kind, a provider agent, a request, a raw e-mail."""

from __future__ import annotations

from email.message import EmailMessage
from email.utils import make_msgid
from typing import Any

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.conf import settings
from django.contrib.auth.models import Group
from django.test import Client

from petite.accounts.models import Member
from petite.accounts.tests.factories import MemberFactory, address
from petite.privacy import roles
from petite.privacy.providers import ProviderAgent, ServiceProvider
from petite.support import actions
from petite.support.models import HelpRequest

SIGNING_KEY = "key-for-tests-only-0123456789abcdef"


@pytest.fixture(autouse=True)
def _desk_settings(settings: Any) -> None:
    settings.ANYMAIL = {"MAILGUN_WEBHOOK_SIGNING_KEY": SIGNING_KEY}
    settings.PETITE_SUPPORT_EMAIL = address("help", "petite.example")


def staff_member(
    first_name: str, *, role: roles.Role | None = None, superuser: bool = False
) -> Member:
    member = MemberFactory.create(first_name=first_name, is_staff=True, is_superuser=superuser)
    if role is not None:
        roles.sync_groups()
        member.groups.add(Group.objects.get(name=role.group))
    return member


def back_office(member: Member) -> Client:
    """A client signed in with two-factor authentication, as the back-office requires."""
    TOTP.activate(member, generate_totp_secret())
    client = Client()
    client.force_login(member)
    return client


def agent_of(provider_key: str, first_name: str = "Paula") -> Member:
    member = staff_member(first_name, role=roles.SUPPORT_AGENT)
    ProviderAgent.objects.create(
        member=member, provider=ServiceProvider.objects.get(key=provider_key)
    )
    return member


@pytest.fixture
def support_agent(db: None) -> Member:
    return staff_member("Sonia", role=roles.SUPPORT_AGENT)


@pytest.fixture
def provider_agent(db: None) -> Member:
    """An agent of the first-line help-desk provider: identity, help requests, e-mail on reveal."""
    return agent_of("helpdesk")


def open_for(
    member: Member, subject: str = "I cannot sign in", body: str = "Help me please"
) -> HelpRequest:
    return actions.open_request(
        name=member.get_full_name(),
        email=member.email,
        subject=subject,
        body=body,
        channel=HelpRequest.Channel.WEB,
        member=member,
        language="en",
    )


def raw_email(*, sender: str, to: str, subject: str = "Help", body: str = "Hello") -> bytes:
    message = EmailMessage()
    message["From"] = f"Claire Dupont <{sender}>"
    message["To"] = to
    message["Subject"] = subject
    message["Message-ID"] = make_msgid(domain="example.net")
    message.set_content(body)
    return message.as_bytes()


def support_address() -> str:
    return str(settings.PETITE_SUPPORT_EMAIL)
