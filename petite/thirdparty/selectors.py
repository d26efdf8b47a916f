"""Reads of the third-party apps: what a member gives an app, and the "Authorised apps" page."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from allauth.account.models import EmailAddress
from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone
from oauth2_provider.models import get_access_token_model, get_refresh_token_model

from petite.accounts.models import Member
from petite.portraits.selectors import portrait_of
from petite.privacy.categories import CATEGORIES
from petite.privacy.models import Disclosure
from petite.privacy.recipients import recipients

from . import scopes as scope_registry
from .models import Application, Authorisation
from .scopes import Revealed, Scope

_PORTRAIT_FIELDS = ("display_name", "bio", "interests", "street", "postcode", "city", "country")


def subject_for(member: Member, application: Application) -> str:
    """The member's identifier for this app alone (OpenID Connect "pairwise"): a keyed
    hash, so two apps cannot match up their members and no app learns an account id."""
    message = f"{application.client_id}:{member.pk}".encode()
    digest = hmac.new(settings.PETITE_OIDC_SUBJECT_KEY.encode(), message, hashlib.sha256)
    return digest.hexdigest()[:40]


def values_for(
    member: Member, names: Iterable[str], application: Application | None = None
) -> dict[str, Any]:
    """The values of the named fields (see :data:`scopes.FIELDS`), in the given order.

    ``sub`` exists only towards an app. Empty Portrait fields read as empty strings:
    the app learns that they are empty, which is what the disclosure log records.
    """
    wanted = list(names)
    portrait = portrait_of(member) if any(n in _PORTRAIT_FIELDS for n in wanted) else None

    def portrait_value(name: str) -> Callable[[], Any]:
        return lambda: str(getattr(portrait, name, "") or "") if portrait is not None else ""

    readers: dict[str, Callable[[], Any]] = {
        "given_name": lambda: member.first_name,
        "family_name": lambda: member.last_name,
        "name": lambda: member.get_full_name(),
        "email": lambda: member.email,
        "email_verified": lambda: EmailAddress.objects.filter(
            user=member, email__iexact=member.email, verified=True
        ).exists(),
        **{name: portrait_value(name) for name in _PORTRAIT_FIELDS},
    }
    if application is not None:
        readers["sub"] = lambda: subject_for(member, application)
    return {name: readers[name]() for name in wanted if name in readers}


# --- The "Authorised apps" page ----------------------------------------------------


@dataclass
class Read:
    """One line of the disclosure log, in words: which app, when, what."""

    disclosure: Disclosure
    fields: list[str]
    categories: list[str]


_FIELD_ORDER = {name: index for index, name in enumerate(scope_registry.FIELDS)}


def describe(disclosures: Iterable[Disclosure]) -> list[Read]:
    found = []
    for disclosure in disclosures:
        # In the order the consent screen lists them (the log stores them sorted).
        names_in_order = sorted(disclosure.fields, key=lambda name: _FIELD_ORDER.get(name, 99))
        fields = [
            str(scope_registry.FIELDS[name].label) if name in scope_registry.FIELDS else name
            for name in names_in_order
        ]
        names = [
            str(CATEGORIES[key].name) if key in CATEGORIES else key for key in disclosure.categories
        ]
        found.append(Read(disclosure, fields, names))
    return found


@dataclass
class AuthorisedApp:
    authorisation: Authorisation
    application: Application
    scopes: list[Scope]
    fields: list[Revealed]
    # Whether the app still holds a token it can use (an unused app's lapse after a while).
    active: bool
    recent_reads: list[Read]
    read_count: int


def app_reads(member: Member) -> QuerySet[Disclosure]:
    """What apps read of the member's data, newest first: the disclosure log, apps only."""
    return Disclosure.objects.filter(member=member, recipient=recipients.APPS.key).order_by(
        "-at", "-pk"
    )


def authorised_apps(member: Member, *, recent: int | None = None) -> list[AuthorisedApp]:
    """The member's authorised apps, one entry per app (not per token), newest first."""
    recent = settings.PETITE_APPS_RECENT_READS if recent is None else recent
    now = timezone.now()
    authorisations = list(
        Authorisation.objects.filter(member=member)
        .select_related("application")
        .order_by("-last_authorised_at", "-pk")
    )
    live_access = set(
        get_access_token_model()
        .objects.filter(user=member, expires__gt=now)
        .values_list("application_id", flat=True)
    )
    live_refresh = set(
        get_refresh_token_model()
        .objects.filter(user=member, revoked__isnull=True)
        .values_list("application_id", flat=True)
    )
    reads = app_reads(member)
    found = []
    for authorisation in authorisations:
        application = authorisation.application
        by_app = reads.filter(recipient_name=application.name)
        found.append(
            AuthorisedApp(
                authorisation=authorisation,
                application=application,
                scopes=scope_registry.known(authorisation.scopes),
                fields=scope_registry.revealed_by(authorisation.scopes),
                active=application.pk in live_access or application.pk in live_refresh,
                recent_reads=describe(by_app[:recent]),
                read_count=by_app.count(),
            )
        )
    return found


def authorisation_of(member: Member, pk: int) -> Authorisation | None:
    """One of the member's own authorisations; None for anybody else's."""
    return Authorisation.objects.select_related("application").filter(member=member, pk=pk).first()
