"""The access matrix (S4, SEC1): every back-office model holding personal data and every
API endpoint, for every kind of caller, compared with what the provider register and the
role declarations allow. Zero fields beyond the declaration.

Callers: a superuser, the privacy officer, the platform's own support agent, an agent of
each provider in the register (holding the support-agent role, which bounds what they
may *do*), a moderator, a member and an anonymous visitor.
"""

from __future__ import annotations

from typing import Any

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.contrib import admin
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse

from petite.accounts.models import Member
from petite.accounts.tests.factories import MemberFactory
from petite.contact.models import ContactMessage
from petite.portraits.models import Portrait
from petite.privacy import access, roles
from petite.privacy.admin_access import AccessControlledAdmin
from petite.privacy.providers import ProviderAgent, ServiceProvider
from petite.privacy.registry import declaration_for
from petite.support import actions as help_desk
from petite.support.models import HelpRequest

pytestmark = [pytest.mark.clause("S4"), pytest.mark.clause("SEC1")]

# Back-office models showing members' data to staff, and whose pages enforce the register.
ENFORCED = [
    "accounts.member",
    "portraits.portrait",
    "contact.contactmessage",
    "support.helprequest",
]


def _staff(name: str, role: roles.Role | None = None, superuser: bool = False) -> Member:
    member = MemberFactory.create(first_name=name, is_staff=True, is_superuser=superuser)
    if role is not None:
        member.groups.add(Group.objects.get(name=role.group))
    return member


def callers() -> dict[str, Member | None]:
    roles.sync_groups()
    found: dict[str, Member | None] = {
        "superuser": _staff("Root", superuser=True),
        "privacy officer": _staff("Olive", roles.PRIVACY_OFFICER),
        "own support agent": _staff("Sonia", roles.SUPPORT_AGENT),
        "moderator": _staff("Mo", roles.MODERATOR),
        "member": MemberFactory.create(first_name="Mia"),
        "anonymous": None,
    }
    for provider in ServiceProvider.objects.all():
        agent = _staff(f"Agent{provider.key}", roles.SUPPORT_AGENT)
        ProviderAgent.objects.create(member=agent, provider=provider)
        found[f"agent of {provider.name}"] = agent
    return found


def client_for(member: Member | None) -> Client:
    client = Client()
    if member is not None:
        if member.is_staff and not Authenticator.objects.filter(user=member).exists():
            TOTP.activate(member, generate_totp_secret())
        client.force_login(member)
    return client


def allowed_categories(member: Member) -> set[str] | None:
    """What the declarations say this caller may see: None for everything."""
    agent = ProviderAgent.objects.filter(member=member).select_related("provider").first()
    if agent is not None:
        return set(agent.provider.categories)
    if member.is_superuser:
        return None
    held = roles.roles_of(member)
    if any(r.categories is None for r in held):
        return None
    return set().union(*(r.categories or set() for r in held))


def fields_shown(model_admin: admin.ModelAdmin[Any], request: Any, obj: Any) -> set[str]:
    names: set[str] = set()
    names.update(e for e in model_admin.get_list_display(request) if isinstance(e, str))
    names.update(f.lstrip("^=@") for f in model_admin.get_search_fields(request))
    for entry in model_admin.get_list_filter(request):
        if isinstance(entry, str):
            names.add(entry)
    for _, options in model_admin.get_fieldsets(request, obj):
        fields: Any = options.get("fields", ())
        for item in fields:
            names.update(item if isinstance(item, (list, tuple)) else [item])
    return names


@pytest.fixture
def population(db: None) -> dict[str, Any]:
    alice = MemberFactory.create(
        first_name="Alice", last_name="Matrix", email="alice.matrix@example.org"
    )
    Portrait.objects.create(
        member=alice, display_name="Ali", street="12 Matrix Street", city="Zion"
    )
    ContactMessage.objects.create(
        member=alice,
        name="Alice Matrix",
        email=alice.email,
        subject="Matrix hello",
        message="Hi there",
    )
    request = help_desk.open_request(
        name="Alice Matrix",
        email=alice.email,
        subject="Matrix question",
        body="Hello",
        channel=HelpRequest.Channel.WEB,
        member=alice,
    )
    return {"alice": alice, "help_request": request, "callers": callers()}


def test_every_back_office_model_with_personal_data_shows_no_field_beyond_the_declaration(
    population,
):
    alice = population["alice"]
    checked = 0
    for label in ENFORCED:
        model_admin = next(
            a for m, a in admin.site._registry.items() if m._meta.label_lower == label
        )
        assert isinstance(model_admin, AccessControlledAdmin), label
        model = model_admin.model
        declaration = declaration_for(model)
        assert declaration is not None
        obj = model._default_manager.filter(declaration.subject_filter(alice)).first()
        assert obj is not None, label
        info = (model._meta.app_label, model._meta.model_name)
        for name, caller in population["callers"].items():
            client = client_for(caller)
            listing = client.get(reverse("admin:{}_{}_changelist".format(*info)))
            change = client.get(reverse("admin:{}_{}_change".format(*info), args=[obj.pk]))
            if caller is None or not caller.is_staff:
                assert (listing.status_code, change.status_code) == (302, 302), (label, name)
                continue
            viewer = access.viewer_for(Member.objects.get(pk=caller.pk))
            may_open = viewer.serves(declaration.purpose_ids) and caller.has_perm(
                f"{model._meta.app_label}.view_{model._meta.model_name}"
            )
            if not may_open:
                assert (listing.status_code, change.status_code) == (403, 403), (label, name)
                continue
            assert (listing.status_code, change.status_code) == (200, 200), (label, name)
            allowed = allowed_categories(caller)
            shown = fields_shown(model_admin, change.wsgi_request, obj)
            for field in shown:
                category = access.field_category(model, field)
                if category is None or allowed is None:
                    continue
                assert category in allowed, f"{name} sees {label}.{field} ({category})"
            # And in the HTML: no value of a category beyond the declaration.
            page = listing.content.decode() + change.content.decode()
            for field, personal in declaration.fields.items():
                value = getattr(obj, field, None)
                if allowed is None or personal.category.key in allowed:
                    continue
                if isinstance(value, str) and len(value) > 4:
                    assert value not in page, f"{name} reads {label}.{field}"
            checked += 1
    assert checked >= len(ENFORCED) * 2


def test_the_help_desk_api_follows_the_same_matrix(population):
    help_request = population["help_request"]
    url = reverse("support:api_request", args=[help_request.pk])
    for name, caller in population["callers"].items():
        response = client_for(caller).get(url)
        if caller is None:
            assert response.status_code == 401, name
            continue
        viewer = access.viewer_for(Member.objects.get(pk=caller.pk))
        if (
            not caller.is_staff
            or not caller.has_perm("support.view_helprequest")
            or not viewer.serves(["P6"])
        ):
            assert response.status_code == 403, name
            continue
        assert response.status_code == 200, name
        allowed = allowed_categories(caller)
        data = response.json()
        for field in data:
            category = access.field_category(HelpRequest, field)
            if category is None or allowed is None:
                continue
            assert category in allowed, f"{name} reads {field} through the API"


def test_the_member_api_gives_staff_nothing_of_other_members(population):
    alice = population["alice"]
    for name, caller in population["callers"].items():
        client = client_for(caller)
        for path in ("/api/me", "/api/portrait", "/api/apps"):
            response = client.get(path)
            if caller is None:
                assert response.status_code in (401, 403), (name, path)
                continue
            assert alice.email not in response.content.decode(), (name, path)
            assert "12 Matrix Street" not in response.content.decode(), (name, path)
