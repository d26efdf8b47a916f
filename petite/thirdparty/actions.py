"""Every write of the third-party apps: registering an app, a member authorising or
revoking one, an app's read (the disclosure log), and the daily clean-up of tokens."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import timedelta

from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from oauth2_provider.models import (
    clear_expired,
    get_access_token_model,
    get_grant_model,
    get_id_token_model,
    get_refresh_token_model,
)

from petite.accounts.models import Member
from petite.core import audit
from petite.privacy import disclosures
from petite.privacy.categories import Category
from petite.privacy.models import Disclosure
from petite.privacy.recipients import recipients

from . import scopes as scope_registry
from .models import Application, Authorisation

# "Last used" is written at most this often per app and member: reads are frequent.
LAST_USED_PRECISION = timedelta(minutes=1)


@transaction.atomic
def save_application(*, application: Application, actor: Member | None, created: bool) -> None:
    """Register or change an app (staff, in the back-office). Whatever the form said, the
    app gets the one grant offered, ID tokens signed with the Platform's key, and the
    consent screen."""
    application.authorization_grant_type = Application.GRANT_AUTHORIZATION_CODE
    application.algorithm = Application.RS256_ALGORITHM
    application.skip_authorization = False
    application.save()
    audit.record(
        "thirdparty.app_registered" if created else "thirdparty.app_changed",
        actor=actor,
        target=application,
    )


@transaction.atomic
def record_authorisation(
    *, member: Member, application: Application, scopes: Iterable[str]
) -> Authorisation:
    """Note that ``member`` authorised ``application`` for ``scopes`` (the consent screen)."""
    granted = [scope.name for scope in scope_registry.known(scopes)]
    now = timezone.now()
    authorisation, created = Authorisation.objects.select_for_update().get_or_create(
        member=member,
        application=application,
        defaults={
            "scope": " ".join(granted),
            "app_name": application.name,
            "first_authorised_at": now,
            "last_authorised_at": now,
        },
    )
    if not created:
        # The app keeps the tokens it already holds: what it may read is the union.
        union = [s.name for s in scope_registry.known([*authorisation.scopes, *granted])]
        authorisation.scope = " ".join(union)
        authorisation.app_name = application.name
        authorisation.last_authorised_at = now
        authorisation.save(update_fields=["scope", "app_name", "last_authorised_at"])
    audit.record("thirdparty.app_authorised", actor=member, target=application, scopes=granted)
    return authorisation


@transaction.atomic
def revoke_authorisation(*, member: Member, application: Application) -> int:
    """Withdraw ``member``'s authorisation of ``application``: every code, access token,
    refresh token and ID token of the pair is deleted in one transaction, so nothing the
    app holds works any more (a refresh token does not outlive its access token).
    Returns how many codes and tokens went."""
    pair = Q(user=member, application=application)
    removed = 0
    # Refresh tokens first: they point at access tokens (and rotation's tombstones
    # with them, which have nothing left to protect).
    for model in (
        get_refresh_token_model(),
        get_access_token_model(),
        get_id_token_model(),
        get_grant_model(),
    ):
        _total, per_model = model.objects.filter(pair).delete()
        removed += per_model.get(model._meta.label, 0)
    Authorisation.objects.filter(member=member, application=application).delete()
    audit.record("thirdparty.app_revoked", actor=member, target=application, tokens=removed)
    return removed


@transaction.atomic
def record_read(
    *,
    member: Member,
    application: Application,
    fields: Mapping[str, Category],
    reference: str,
) -> Disclosure:
    """An app read ``fields`` of ``member``'s data: one row in the disclosure log (which is
    the record of it: reads are not duplicated in the audit trail), and "last used"."""
    disclosure = disclosures.record(
        member=member,
        recipient=recipients.APPS,
        purpose="P1",
        fields=fields,
        recipient_name=application.name,
        reference=reference,
    )
    now = timezone.now()
    Authorisation.objects.filter(member=member, application=application).filter(
        Q(last_used_at__isnull=True) | Q(last_used_at__lt=now - LAST_USED_PRECISION)
    ).update(last_used_at=now)
    return disclosure


def clear_expired_tokens() -> dict[str, int]:
    """Delete expired codes and tokens (django-oauth-toolkit's own sweep), then the
    authorisations nothing can use any more: no live code, access or refresh token."""
    clear_expired()
    now = timezone.now()
    with transaction.atomic():
        live_access = get_access_token_model().objects.filter(
            user=OuterRef("member"), application=OuterRef("application"), expires__gt=now
        )
        live_refresh = get_refresh_token_model().objects.filter(
            user=OuterRef("member"), application=OuterRef("application"), revoked__isnull=True
        )
        live_grant = get_grant_model().objects.filter(
            user=OuterRef("member"), application=OuterRef("application"), expires__gt=now
        )
        _total, per_model = (
            Authorisation.objects.alias(
                access=Exists(live_access), refresh=Exists(live_refresh), grant=Exists(live_grant)
            )
            .filter(access=False, refresh=False, grant=False)
            .delete()
        )
        lapsed = per_model.get(Authorisation._meta.label, 0)
        audit.record("thirdparty.expired_cleared", lapsed_authorisations=lapsed)
    return {"lapsed_authorisations": lapsed}
