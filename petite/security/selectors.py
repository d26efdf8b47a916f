"""Reads of the security app."""

from __future__ import annotations

from django.db.models import QuerySet

from petite.accounts.models import Member

from .models import AffectedMember, Incident, SignInAlert


def alerts_of(member: Member) -> QuerySet[SignInAlert]:
    return SignInAlert.objects.filter(member=member).order_by("-created_at")[:50]


def incidents_affecting(member: Member) -> QuerySet[AffectedMember]:
    """Incidents the member was told about (or will be): those whose notices are planned."""
    return (
        AffectedMember.objects.filter(member=member, incident__notices_planned_at__isnull=False)
        .select_related("incident")
        .order_by("-incident__aware_at")
    )


def open_incidents() -> QuerySet[Incident]:
    return Incident.objects.filter(closed_at__isnull=True)
