"""Staff roles are declared in code; a group holding more fails the checks (S4, SEC1)."""

from __future__ import annotations

from io import StringIO

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command

from petite.privacy import roles

pytestmark = [pytest.mark.clause("S4"), pytest.mark.clause("SEC1")]


def ids() -> list[str]:
    return [str(message.id) for message in roles.check_groups(None)]


def test_the_declared_groups_pass_the_check(db):
    call_command("sync_roles", stdout=StringIO())
    assert set(Group.objects.values_list("name", flat=True)) >= {
        r.group for r in roles.ROLES.values()
    }
    assert ids() == []


def test_a_group_holding_more_than_its_role_fails_the_check(db):
    call_command("sync_roles", stdout=StringIO())
    moderators = Group.objects.get(name=roles.MODERATOR.group)
    moderators.permissions.add(Permission.objects.get(codename="view_accessrecord"))

    [error] = roles.check_groups(None)
    assert error.id == "privacy.E020"
    assert "privacy.view_accessrecord" in error.msg

    call_command("sync_roles", stdout=StringIO())
    assert ids() == []


def test_an_undeclared_group_with_permissions_fails_the_check(db):
    Group.objects.create(name="Interns").permissions.add(
        Permission.objects.get(codename="view_member")
    )
    assert ids() == ["privacy.E021"]


def test_every_declared_permission_exists(db):
    for role in roles.ROLES.values():
        for name in role.permissions:
            app_label, codename = name.split(".")
            assert Permission.objects.filter(
                content_type__app_label=app_label, codename=codename
            ).exists(), name
