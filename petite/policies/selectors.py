"""Reads of policy versions: which is in force, which is coming, what a member must see."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Max, QuerySet
from django.utils import timezone

from petite.accounts.models import Member
from petite.core import bulkmail

from .models import PolicyAcknowledgement, PolicyNotice, PolicyVersion


def published() -> QuerySet[PolicyVersion]:
    """Every published version, newest first."""
    return PolicyVersion.objects.filter(status=PolicyVersion.Status.PUBLISHED).order_by("-number")


def latest_published() -> PolicyVersion | None:
    """The newest published version, in force or upcoming."""
    return published().first()


def current(now: datetime | None = None) -> PolicyVersion | None:
    """The version in force: the newest whose effective date has come."""
    return published().filter(effective_at__lte=now or timezone.now()).first()


def upcoming(now: datetime | None = None) -> list[PolicyVersion]:
    """Published versions not in force yet, the soonest first."""
    return list(published().filter(effective_at__gt=now or timezone.now()).order_by("effective_at"))


def draft() -> PolicyVersion | None:
    return PolicyVersion.objects.filter(status=PolicyVersion.Status.DRAFT).first()


def previous(version: PolicyVersion) -> PolicyVersion | None:
    """The published version before ``version`` (for a draft: the latest published)."""
    versions = published()
    if version.number is not None:
        versions = versions.filter(number__lt=version.number)
    return versions.first()


def to_acknowledge(member: Member) -> PolicyVersion | None:
    """The version the banner shows ``member``: the newest announced one, if it was
    published after they joined (they saw it at sign-up otherwise) and they have
    not acknowledged it yet."""
    latest = latest_published()
    if latest is None or not latest.announced or latest.published_at is None:
        return None
    if member.date_joined >= latest.published_at:
        return None
    if PolicyAcknowledgement.objects.filter(member=member, version=latest).exists():
        return None
    return latest


def notices(version: PolicyVersion) -> QuerySet[PolicyNotice]:
    return PolicyNotice.objects.filter(version=version)


def campaign_progress(version: PolicyVersion) -> bulkmail.Progress:
    return bulkmail.progress(notices(version))


def last_notice_sent_at(version: PolicyVersion) -> datetime | None:
    latest: datetime | None = notices(version).aggregate(latest=Max("sent_at"))["latest"]
    return latest


def campaign_running() -> QuerySet[PolicyVersion]:
    """Announced versions whose notices are not all settled yet."""
    return published().filter(announced=True, campaign_finished_at__isnull=True)
