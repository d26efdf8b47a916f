"""The "Your data" page and the identity form (U1)."""

from __future__ import annotations

import html
from collections.abc import Iterator

import pytest
from allauth.mfa.models import Authenticator
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse
from django.utils.text import capfirst

from petite.accounts.models import Member
from petite.accounts.tests.factories import signed_in
from petite.core.models import AuditEvent
from petite.privacy import categories, purposes, registry
from petite.privacy.declarations import Erasure, Personal

from .conftest import CITY, STREET

INDEX = reverse("rights:index")
IDENTITY = reverse("rights:identity")


def page_of(member: Member) -> str:
    response = signed_in(member).get(INDEX)
    assert response.status_code == 200
    return html.unescape(response.content.decode())


@pytest.fixture
def group_declared() -> Iterator[None]:
    """A model no app declares, declared for this test as an app would declare it."""

    class GroupPrivacy:
        subject = "user"
        manage_url = "rights:identity"
        fields = {"name": Personal(categories.ACCOUNT, ["P1"], Erasure.DELETE)}
        technical = ["id", "permissions"]

    registry.register(Group, GroupPrivacy)
    yield
    registry._registered.pop(Group, None)


# --- The page ------------------------------------------------------------------------------


@pytest.mark.clause("U1")
@pytest.mark.clause("SEC1")
def test_anonymous_visitors_are_sent_to_sign_in() -> None:
    for url in (INDEX, IDENTITY):
        response = Client().get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.clause("U1")
def test_every_declared_model_appears(full_member: Member) -> None:
    body = page_of(full_member)

    for declaration in registry.declarations():
        meta = declaration.model._meta
        names = {capfirst(str(meta.verbose_name)), capfirst(str(meta.verbose_name_plural))}
        assert any(f"<h4>{name} " in body for name in names), declaration.label


@pytest.mark.clause("U1")
def test_data_is_grouped_by_purpose_with_basis_retention_and_recipients(
    full_member: Member,
) -> None:
    body = page_of(full_member)

    for purpose in (purposes.P1, purposes.P2, purposes.P4, purposes.P6, purposes.P8):
        assert f'id="purpose-{purpose.id.lower()}">{purpose.name}</h2>' in body
        section = body.split(f'id="purpose-{purpose.id.lower()}"')[1].split("<h2")[0]
        assert str(purpose.legal_basis.label) in section
        assert purpose.retention.text in section
        for recipient in purpose.recipients:
            assert str(recipient.name) in section
    # A purpose no declaration uses yet is not listed as if something were held for it.
    used = {purpose_id for d in registry.declarations() for purpose_id in d.purpose_ids}
    for purpose in purposes.PURPOSES.values():
        if purpose.id not in used:
            assert f'id="purpose-{purpose.id.lower()}"' not in body


@pytest.mark.clause("U1")
def test_the_members_own_values_are_shown_with_the_address_decrypted(
    full_member: Member,
) -> None:
    body = page_of(full_member)

    assert full_member.first_name in body
    assert full_member.email in body
    assert STREET in body
    assert CITY in body
    assert "Alice M." in body


@pytest.mark.clause("U1")
@pytest.mark.clause("SEC1")
def test_secrets_are_shown_only_as_set(full_member: Member) -> None:
    body = page_of(full_member)

    assert full_member.password not in body
    secret = Authenticator.objects.get(user=full_member, type="totp").data["secret"]
    assert secret not in body
    assert '<th scope="row">Password</th><td>set</td>' in body


@pytest.mark.clause("U1")
def test_records_are_counted(full_member: Member) -> None:
    body = page_of(full_member)

    connection_log = body.split("Connection log")[1][:200]
    assert "2 records" in connection_log


@pytest.mark.clause("U1")
def test_each_kind_of_data_links_to_where_it_is_changed(full_member: Member) -> None:
    body = page_of(full_member)

    for name in (
        "portraits:edit",
        "account_email",
        "mfa_index",
        "usersessions_list",
        "rights:identity",
    ):
        assert f'href="{reverse(name)}"' in body, name
    assert "You cannot change these yourself" in body  # the logs, the audit trail


@pytest.mark.clause("U1")
def test_every_declared_manage_url_resolves() -> None:
    for declaration in registry.declarations():
        if declaration.manage_url:
            assert reverse(declaration.manage_url)


@pytest.mark.clause("U1")
def test_a_model_declared_later_appears_with_no_other_change(
    alice: Member, group_declared: None
) -> None:
    alice.groups.add(Group.objects.create(name="Gardeners"))

    body = page_of(alice)

    assert "1 record" in body.split("<h4>Groups")[1][:200]


@pytest.mark.clause("U1")
@pytest.mark.clause("SEC1")
def test_a_member_sees_only_their_own_data(full_member: Member, bob: Member) -> None:
    body = page_of(bob)

    assert bob.email in body
    assert full_member.email not in body
    assert STREET not in body


@pytest.mark.clause("U1")
@pytest.mark.clause("SEC1")
def test_staff_see_their_own_data_here_not_members(
    full_member: Member, staff_client: Client, staff: Member
) -> None:
    body = html.unescape(staff_client.get(INDEX).content.decode())

    assert staff.email in body
    assert full_member.email not in body


# --- The identity form -----------------------------------------------------------------------


@pytest.mark.clause("U1")
def test_the_member_changes_their_names_and_language(alice: Member) -> None:
    response = signed_in(alice).post(
        IDENTITY, {"first_name": " Alicia ", "last_name": "Martin-Roy", "language": "fr"}
    )

    assert response.status_code == 302
    alice.refresh_from_db()
    assert (alice.first_name, alice.last_name, alice.language) == ("Alicia", "Martin-Roy", "fr")


@pytest.mark.clause("U1")
@pytest.mark.clause("SEC1")
def test_the_change_is_audited_with_field_names_only(alice: Member) -> None:
    signed_in(alice).post(IDENTITY, {"first_name": "Alicia", "last_name": "Martin", "language": ""})

    event = AuditEvent.objects.get(action="rights.identity.changed")
    assert event.actor == alice
    assert event.data == {"fields": ["first_name"]}
    assert "Alicia" not in str(event.data)


@pytest.mark.clause("U1")
def test_the_form_shows_the_current_values(alice: Member) -> None:
    body = signed_in(alice).get(IDENTITY).content.decode()

    assert 'value="Alice"' in body
    assert 'value="Martin"' in body
    assert '<label for="id_language">Language</label>' in body


@pytest.mark.clause("U1")
@pytest.mark.parametrize(
    "data",
    [
        {"first_name": "x" * 151, "last_name": "Martin", "language": ""},
        {"first_name": "", "last_name": "Martin", "language": ""},
        {"first_name": "Alice", "last_name": "Martin", "language": "xx"},
        {"first_name": "Alice\x00", "last_name": "Martin", "language": ""},
    ],
    ids=["too-long", "empty", "unknown-language", "null-character"],
)
def test_bad_input_is_refused_next_to_the_field(alice: Member, data: dict[str, str]) -> None:
    response = signed_in(alice).post(IDENTITY, data)

    assert response.status_code == 200
    assert 'class="errorlist' in response.content.decode()
    alice.refresh_from_db()
    assert alice.first_name == "Alice"


@pytest.mark.clause("U1")
@pytest.mark.clause("SEC1")
def test_markup_in_a_name_is_shown_as_text(alice: Member) -> None:
    signed_in(alice).post(
        IDENTITY, {"first_name": "<b>Al</b>", "last_name": "Martin", "language": ""}
    )

    body = signed_in(alice).get(INDEX).content.decode()

    assert "<b>Al</b>" not in body
    assert "&lt;b&gt;Al&lt;/b&gt;" in body


@pytest.mark.clause("U1")
def test_the_action_refuses_an_unknown_language(alice: Member) -> None:
    from petite.rights import actions

    with pytest.raises(ValueError, match="language"):
        actions.update_identity(member=alice, first_name="A", last_name="B", language="xx")


def test_the_page_uses_the_site_layout(alice: Member) -> None:
    body = signed_in(alice).get(INDEX).content.decode()

    assert 'class="site-header"' in body
    assert f'href="{reverse("rights:exports")}"' in body
