"""Sign-ins: the risk check, the alert (one per device per day), and "This wasn't me"."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# Allowlisted read-only helpers of the accounts app: the offline IP resolver and
# the browser description the sign-in history already uses.
from petite.accounts.devices import describe
from petite.accounts.location import resolve
from petite.accounts.models import Member
from petite.core import audit
from petite.core.deferred import follow_up
from petite.core.errors import ActionRefused
from petite.privacy import categories, stores

from .. import risk, tokens
from ..events import Event
from ..models import Incident, KnownDevice, SignIn, SignInAlert
from .incidents import open_incident

send_alert = follow_up("petite.security.tasks.send_sign_in_alert")

DEVICE_DAYS = 14


def device_hash(device_id: str) -> str:
    return hashlib.sha256(device_id.encode()).hexdigest()


def new_device_id() -> str:
    return secrets.token_hex(16)


@dataclass(frozen=True)
class Outcome:
    device_id: str  # for the device cookie
    alert: SignInAlert | None


def _place(ip: str) -> tuple[str, str]:
    where = resolve(ip)
    place = where.country_name or ""
    if where.network_name:
        place = f"{place} ({where.network_name})" if place else where.network_name
    return where.country_code, place[:200]


@transaction.atomic
def record_sign_in(
    *,
    member: Member,
    ip: str,
    user_agent: str,
    device_id: str | None,
    at: datetime | None = None,
) -> Outcome:
    """Compare a successful sign-in with the member's history, keep it, and alert
    when it is unusual (never on the first sign-in)."""
    at = at or timezone.now()
    device_id = device_id or new_device_id()
    hashed = device_hash(device_id)
    country, place = _place(ip)
    network = risk.network_of(ip)
    history = SignIn.objects.filter(member=member)
    last = history.only("at", "country_code").first()
    known_device = KnownDevice.objects.filter(
        member=member, device_hash=hashed, last_seen_at__gte=at - timedelta(days=DEVICE_DAYS)
    ).exists()
    previous = risk.Previous(
        first_sign_in=last is None,
        known_device=known_device,
        known_network=bool(network) and history.filter(network=network).exists(),
        known_country=not country or history.filter(country_code=country).exists(),
        last_country=last.country_code if last else "",
        last_at=last.at if last else None,
    )
    assessment = risk.assess(previous=previous, country=country, network=network, at=at)
    SignIn.objects.create(
        member=member, at=at, network=network, country_code=country, device_hash=hashed
    )
    description = str(describe(user_agent))[:100]
    updated = KnownDevice.objects.filter(member=member, device_hash=hashed).update(
        last_seen_at=at, description=description
    )
    if not updated:
        KnownDevice.objects.create(
            member=member,
            device_hash=hashed,
            description=description,
            first_seen_at=at,
            last_seen_at=at,
        )
    alert = None
    if risk.worth_an_alert(assessment.reasons):
        alert = _alert(
            member=member,
            device_hash=hashed,
            device=description,
            country=country,
            place=place,
            reasons=assessment.reasons,
            at=at,
        )
    return Outcome(device_id=device_id, alert=alert)


@transaction.atomic
def record_second_factor_failure(
    *, member: Member, ip: str, user_agent: str, device_id: str | None
) -> SignInAlert | None:
    """The right password, then a wrong code: someone may know the password."""
    # Without a device cookie, the browser and network stand for the device, so
    # that repeated attempts from one place make one alert a day.
    key = device_id or f"ua:{user_agent}:{risk.network_of(ip)}"
    country, place = _place(ip)
    return _alert(
        member=member,
        device_hash=device_hash(key),
        device=str(describe(user_agent))[:100],
        country=country,
        place=place,
        reasons=["second_factor"],
        at=timezone.now(),
    )


def _alert(
    *,
    member: Member,
    device_hash: str,
    device: str,
    country: str,
    place: str,
    reasons: list[str],
    at: datetime,
) -> SignInAlert | None:
    day = timezone.localdate(at)
    if SignInAlert.objects.filter(member=member, device_hash=device_hash, day=day).exists():
        return None
    try:
        with transaction.atomic():
            alert = SignInAlert.objects.create(
                member=member,
                created_at=at,
                day=day,
                device_hash=device_hash,
                device=device,
                country_code=country,
                place=place,
                reasons=reasons,
            )
    except IntegrityError:  # a concurrent sign-in from the same device won the race
        return None
    audit.record(Event.SIGN_IN_ALERTED, actor=member, target=alert, reasons=reasons)
    send_alert.after_commit(alert_id=alert.pk)
    return alert


@transaction.atomic
def disown_sign_in(*, token: str) -> Incident:
    """ "This wasn't me": end every session, require a new password, open an incident.

    Works signed out and once; ActionRefused for a forged, expired or used link.
    """
    alert_id = tokens.read(token)
    alert = (
        SignInAlert.objects.select_for_update().select_related("member").filter(pk=alert_id).first()
        if alert_id is not None
        else None
    )
    if alert is None:
        raise ActionRefused(
            _(
                "This link is not valid or has expired. To protect your account, reset your password."
            ),
            code="security.link_invalid",
            status=400,
        )
    if alert.disowned_at is not None:
        raise ActionRefused(
            _("This link has already been used: your sessions were ended then."),
            code="security.link_used",
            status=409,
        )
    member = alert.member
    alert.disowned_at = timezone.now()
    alert.save(update_fields=["disowned_at"])
    # A new password is required: the old one no longer signs in, and every
    # session (whose hash derives from the password) is invalid at once.
    member.set_unusable_password()
    member.save(update_fields=["password"])
    ended = stores.end_sessions(member)
    # Devices recognised so far prove nothing any more.
    KnownDevice.objects.filter(member=member).delete()
    incident = open_incident(
        title=f"Sign-in reported as not the member ({alert.created_at:%Y-%m-%d %H:%M})",
        source=Incident.Source.MEMBER_REPORT,
        reported_by=member,
        confidentiality=True,
        categories=[categories.IDENTITY.key, categories.CONTACT.key, categories.ACCOUNT.key],
        approx_members=1,
        affected={
            member: [categories.IDENTITY.key, categories.CONTACT.key, categories.ACCOUNT.key]
        },
    )
    audit.record(
        Event.SIGN_IN_DISOWNED, actor=member, target=alert, incident=incident.pk, sessions=ended
    )
    return incident
