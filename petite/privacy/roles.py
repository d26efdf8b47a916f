"""The platform's own staff roles, declared in code (S4, SEC1).

A role says which data categories its holders may see and which Django
permissions its group may hold. The groups live in the database (staff are put
in them in the back-office), so what a group *really* holds can drift from the
code; check ``privacy.E020`` fails when a group holds a permission its
declaration does not name, and ``privacy.E021`` when a group that is no declared
role holds any permission at all. ``manage.py sync_roles`` creates the groups
with exactly their declared permissions.

Staff of a service provider are limited by the provider's register entry
instead (:mod:`petite.privacy.providers`); the role they also hold still bounds
what they may *do*.
"""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import nullcontext
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import Group, Permission
from django.core import checks
from django.db import DatabaseError, connection, transaction
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Role:
    key: str
    # The name of its group in the database.
    group: str
    name: Promise
    # Category keys its holders see; None: every category.
    categories: frozenset[str] | None
    # "app_label.codename" of each permission its group may hold.
    permissions: frozenset[str]

    def __str__(self) -> str:
        return str(self.name)


def _perms(*names: str) -> frozenset[str]:
    return frozenset(names)


PRIVACY_OFFICER = Role(
    "privacy_officer",
    "Privacy officer",
    _("privacy officer"),
    None,
    _perms(
        "privacy.view_serviceprovider",
        "privacy.add_serviceprovider",
        "privacy.change_serviceprovider",
        "privacy.view_provideragent",
        "privacy.add_provideragent",
        "privacy.change_provideragent",
        "privacy.delete_provideragent",
        "privacy.view_accessrecord",
        "privacy.view_erasurereceipt",
        "privacy.view_disclosure",
        "accounts.view_member",
        "contact.view_contactmessage",
        "datarequests.view_datarequest",
        "datarequests.change_datarequest",
        "support.view_helprequest",
    ),
)
SUPPORT_AGENT = Role(
    "support_agent",
    "Support agent",
    _("support agent"),
    frozenset({"identity", "contact", "account", "correspondence", "help_requests"}),
    _perms(
        "accounts.view_member",
        "contact.view_contactmessage",
        "contact.change_contactmessage",
        "support.view_helprequest",
        "support.change_helprequest",
        "support.view_cannedreply",
        "support.view_category",
    ),
)
MODERATOR = Role(
    "moderator",
    "Moderator",
    _("moderator"),
    frozenset({"identity", "portrait", "messages", "comments"}),
    _perms(
        "accounts.view_member",
        "messaging.view_report",
        "messaging.change_report",
        "comments.view_comment",
        "comments.change_comment",
        "comments.view_article",
    ),
)
FINANCE = Role(
    "finance",
    "Finance",
    _("finance"),
    frozenset({"identity", "contact", "payments", "receipts", "disputes"}),
    _perms(
        "accounts.view_member",
        "payments.view_order",
        "payments.view_receipt",
        "payments.view_dispute",
        "payments.view_offer",
    ),
)

ROLES: dict[str, Role] = {r.key: r for r in (PRIVACY_OFFICER, SUPPORT_AGENT, MODERATOR, FINANCE)}
BY_GROUP: dict[str, Role] = {r.group: r for r in ROLES.values()}


def roles_of(member: Any) -> list[Role]:
    """The declared roles a staff account holds, through its groups."""
    if member is None or not getattr(member, "pk", None):
        return []
    names = getattr(member, "_petite_group_names", None)
    if names is None:
        names = list(member.groups.values_list("name", flat=True))
        member._petite_group_names = names
    return [BY_GROUP[name] for name in names if name in BY_GROUP]


def _group_permissions() -> dict[str, set[str]]:
    held: dict[str, set[str]] = {}
    for group in Group.objects.prefetch_related("permissions__content_type"):
        held[group.name] = {
            f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.all()
        }
    return held


@checks.register("privacy")
def check_groups(
    app_configs: Sequence[Any] | None = None, **kwargs: Any
) -> list[checks.CheckMessage]:
    """privacy.E020/E021: no group in the database holds more than its declaration."""
    guard = transaction.atomic() if connection.in_atomic_block else nullcontext()
    try:
        with guard:
            held = _group_permissions()
    except DatabaseError:
        return []
    errors: list[checks.CheckMessage] = []
    for name, permissions in sorted(held.items()):
        role = BY_GROUP.get(name)
        extra = sorted(permissions - (role.permissions if role else frozenset()))
        if not extra:
            continue
        if role is None:
            errors.append(
                checks.Error(
                    f"Group {name!r} is no declared role but holds permissions: {', '.join(extra)}.",
                    hint="Declare the role in petite/privacy/roles.py, or remove the permissions.",
                    id="privacy.E021",
                )
            )
        else:
            errors.append(
                checks.Error(
                    f"Group {name!r} holds more than the {role.key} role declares: {', '.join(extra)}.",
                    hint="Remove them in the back-office, or run `manage.py sync_roles`.",
                    id="privacy.E020",
                )
            )
    return errors


def sync_groups() -> list[str]:
    """Give each declared role's group exactly its declared permissions; return the groups."""
    done = []
    for role in ROLES.values():
        group, _created = Group.objects.get_or_create(name=role.group)
        wanted = []
        for name in sorted(role.permissions):
            app_label, codename = name.split(".", 1)
            permission = Permission.objects.filter(
                content_type__app_label=app_label, codename=codename
            ).first()
            if permission is not None:
                wanted.append(permission)
        group.permissions.set(wanted)
        done.append(role.group)
    return done
