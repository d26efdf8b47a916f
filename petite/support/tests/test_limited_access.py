"""Service providers' limited access, the register as data, the staff access log (S4, SEC1)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import time_machine
from django.contrib.auth.models import Permission
from django.urls import reverse

from petite.accounts.models import Member
from petite.accounts.tests.factories import signed_in
from petite.core.audit import AuditEvent
from petite.policies import actions as policy_actions
from petite.policies import checks as policy_checks
from petite.portraits.models import Portrait
from petite.privacy import access
from petite.privacy.access import AccessRecord
from petite.privacy.notice import render_notice
from petite.privacy.providers import ProviderAgent, ServiceProvider
from petite.privacy.ropa import render_register

from .conftest import back_office, open_for, staff_member

pytestmark = [pytest.mark.clause("S4"), pytest.mark.clause("SEC1")]

NOON = datetime(2026, 12, 4, 12, 5, tzinfo=UTC)


def crm_provider(*categories: str, reveal: tuple[str, ...] = ()) -> ServiceProvider:
    """A provider whose agents work on accounts (P1): what they see is its entry's categories."""
    return ServiceProvider.objects.create(
        key="crm",
        name="Account Helpers",
        service="Account support",
        description_en="Helps with accounts.",
        description_fr="Aide pour les comptes.",
        purposes=["P1", "P6"],
        categories=list(categories),
        reveal_categories=list(reveal),
        contract_date="2025-01-01",
        country="FR",
    )


def crm_agent() -> Member:
    agent = staff_member("Carl", role=None)
    agent.user_permissions.add(
        *Permission.objects.filter(
            codename__in=["view_member", "view_portrait", "view_helprequest"]
        )
    )
    ProviderAgent.objects.create(member=agent, provider=ServiceProvider.objects.get(key="crm"))
    return agent


def test_a_provider_agent_never_sees_the_e_mail_address_in_the_help_desk(alice, provider_agent, db):
    request = open_for(alice, subject="Locked out")
    client = back_office(provider_agent)

    queue = client.get(reverse("admin:support_helprequest_changelist")).content.decode()
    form = client.get(
        reverse("admin:support_helprequest_change", args=[request.pk])
    ).content.decode()
    search = client.get(
        reverse("admin:support_helprequest_changelist"), {"q": alice.email}
    ).content.decode()
    by_lookup = client.get(
        reverse("admin:support_helprequest_changelist"), {"requester_email": alice.email}
    )
    api = client.get(reverse("support:api_request", args=[request.pk])).json()

    assert "Locked out" in queue
    assert alice.email not in queue
    assert "Locked out" in form
    assert alice.email not in form
    assert "Reveal" in form
    assert "0 results" in search
    assert "Locked out" not in search
    assert alice.email not in by_lookup.content.decode()
    assert "requester_email" not in api
    assert api["hidden"] == ["requester_email"]
    assert api["subject"] == "Locked out"


def test_a_provider_agent_never_sees_a_members_address_in_lists_forms_search_or_exports(alice, db):
    crm_provider("identity")
    agent = crm_agent()
    Portrait.objects.create(
        member=alice, display_name="Ali", street="1 rue de la Paix", city="Lyon"
    )
    client = back_office(agent)

    members = client.get(reverse("admin:accounts_member_changelist")).content.decode()
    member_form = client.get(
        reverse("admin:accounts_member_change", args=[alice.pk])
    ).content.decode()
    search = client.get(
        reverse("admin:accounts_member_changelist"), {"q": alice.email}
    ).content.decode()
    portrait = client.get(
        reverse("admin:portraits_portrait_change", args=[alice.portrait.pk])
    ).content.decode()
    export = client.post(
        reverse("admin:accounts_member_changelist"),
        {"action": "export_csv", "_selected_action": [alice.pk]},
    )

    assert "Martin" in members
    assert alice.email not in members
    assert alice.email not in member_form
    assert "Alice" in member_form
    assert "0 results" in search
    assert "Portrait #" in portrait
    assert "1 rue de la Paix" not in portrait
    assert "Lyon" not in portrait
    assert alice.email not in export.content.decode()
    assert "Alice" in export.content.decode()


def test_removing_a_category_from_the_register_removes_it_from_the_agents_screens(alice, db):
    provider = crm_provider("identity", "contact")
    client = back_office(crm_agent())
    assert alice.email in client.get(reverse("admin:accounts_member_changelist")).content.decode()

    provider.categories = ["identity"]
    provider.save()

    assert (
        alice.email not in client.get(reverse("admin:accounts_member_changelist")).content.decode()
    )


def test_a_model_outside_the_providers_purposes_is_closed_to_its_agents(alice, provider_agent, db):
    # The help-desk provider serves P6 only: the member list (P1, P4...) is not its work.
    client = back_office(provider_agent)
    assert client.get(reverse("admin:accounts_member_changelist")).status_code == 403


def test_a_reveal_asks_for_a_reason_is_logged_and_the_member_reads_it(alice, provider_agent, db):
    request = open_for(alice)
    client = back_office(provider_agent)
    url = reverse("admin:support_helprequest_reveal", args=[request.pk, "requester_email"])

    assert client.post(url, {"reason": ""}).status_code == 400
    with time_machine.travel(NOON, tick=False):
        client.get(reverse("admin:support_helprequest_change", args=[request.pk]))
        revealed = client.post(url, {"reason": f"help request {request.reference}"})

    assert alice.email in revealed.content.decode()
    record = AccessRecord.objects.get(member=alice, revealed=True)
    assert "contact" in record.categories
    assert record.provider_name == "Assist Partners"
    assert AuditEvent.objects.filter(action="privacy.field_revealed").count() == 1
    page = signed_in(alice).get(reverse("privacy:access_log")).content.decode()
    assert "A support agent of Assist Partners read your" in page
    assert "contact details" in page
    assert "4 December 2026" in page
    assert f"to answer your help request {request.reference}" in page
    assert f"after giving a reason: help request {request.reference}" in page
    assert "a hidden detail was shown on request" in page


def test_a_field_outside_the_reveal_list_cannot_be_revealed(alice, provider_agent, db):
    Portrait.objects.create(member=alice, street="1 rue de la Paix")
    request = open_for(alice)
    client = back_office(provider_agent)
    url = reverse("admin:support_helprequest_reveal", args=[request.pk, "subject"])
    assert client.post(url, {"reason": "#1"}).status_code == 403


def test_views_are_coalesced_per_hour_per_viewer_and_member(alice, support_agent, db):
    request = open_for(alice)
    client = back_office(support_agent)
    url = reverse("admin:support_helprequest_change", args=[request.pk])

    with time_machine.travel(NOON, tick=False):
        client.get(url)
        client.get(url)
        client.get(reverse("admin:support_helprequest_changelist"))
    with time_machine.travel(NOON.replace(hour=14), tick=False):
        client.get(url)

    records = list(AccessRecord.objects.filter(member=alice).order_by("hour"))
    assert len(records) == 2
    assert records[0].reasons == [
        {"kind": "help_request", "reference": request.reference},
        {"kind": "back_office", "reference": "help requests"},
    ]
    assert set(records[0].categories) >= {"contact", "help_requests", "identity"}
    assert records[0].role == "support_agent"
    assert records[0].viewer == support_agent


def test_a_line_under_a_legal_hold_stays_hidden_until_the_hold_lifts(alice, support_agent, db):
    access.record_access(support_agent, alice, ["contact"], "case 7")
    AccessRecord.objects.update(hidden_until=datetime(2030, 1, 1, tzinfo=UTC))
    assert "case 7" not in signed_in(alice).get(reverse("privacy:access_log")).content.decode()
    with time_machine.travel(datetime(2030, 1, 2, tzinfo=UTC)):
        assert list(access.visible_to_member(alice)) == list(AccessRecord.objects.all())


def test_members_and_anonymous_visitors_write_no_access_line(alice, bob, db):
    access.record_access(bob, alice, ["contact"], "curiosity")
    assert not AccessRecord.objects.exists()


def test_the_register_drives_the_notice_the_record_and_the_policy_warning(staff_client, db):
    policy_actions.prepare_draft()  # version 1, published as the initial notice
    assert policy_checks.check_notice_published(None) == []
    assert "Mailgun" in render_notice("en")
    assert "Scaleway" in render_register("en")

    staff_client.post(
        reverse("admin:privacy_serviceprovider_add"),
        {
            "key": "survey",
            "name": "Survey Co",
            "service": "Satisfaction surveys",
            "description_en": "Sends our satisfaction surveys.",
            "description_fr": "Envoie nos enquêtes de satisfaction.",
            "purposes": ["P6"],
            "categories": ["identity", "help_requests"],
            "contract_date": "2026-11-01",
            "country": "DE",
            "transfer_mechanism": "none",
            "active": "on",
        },
    )

    assert ServiceProvider.objects.filter(key="survey").exists()
    notice = render_notice("en")
    assert "**Survey Co**: Sends our satisfaction surveys. For: User assistance." in notice
    assert "Envoie nos enquêtes de satisfaction." in render_notice("fr")
    assert "Survey Co" in render_register("en")
    assert [w.id for w in policy_checks.check_notice_published(None)] == ["policies.W001"]
    assert AuditEvent.objects.filter(action="privacy.provider_added").count() == 1
