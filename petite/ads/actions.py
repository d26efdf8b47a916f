"""Every write of the advertising app.

The profile is written only with consent (the caller asks ``privacy.consent``
before :func:`note_view`); refusing or withdrawing consent calls
:func:`delete_profile` in the transaction that records the refusal.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from petite.accounts.models import Member
from petite.core import audit
from petite.core.errors import ActionRefused
from petite.privacy import disclosures
from petite.privacy.recipients import recipients

from . import selectors
from .events import Event
from .models import (
    Advertiser,
    BlockedAdvertiser,
    Campaign,
    Creative,
    DailyCount,
    ExcludedInterest,
    Exposure,
    InterestCategory,
    ProfileInterest,
    Report,
)


def note_view(*, member: Member, context: str, now: dt.datetime | None = None) -> int:
    """A consenting member viewed a page with this context: its interests gain weight.
    Interests the member removed are never added back. Returns how many were noted."""
    now = now or timezone.now()
    interest_ids = selectors.interest_ids_for_context(context)
    if not interest_ids:
        return 0
    # Removing an interest deletes its row and excludes it, so rows that exist are wanted.
    updated = ProfileInterest.objects.filter(member=member, interest_id__in=interest_ids).update(
        weight=F("weight") + 1, last_seen_at=now
    )
    if updated == len(interest_ids):
        return updated
    excluded = set(
        ExcludedInterest.objects.filter(member=member, interest_id__in=interest_ids).values_list(
            "interest_id", flat=True
        )
    )
    held = set(
        ProfileInterest.objects.filter(member=member, interest_id__in=interest_ids).values_list(
            "interest_id", flat=True
        )
    )
    wanted = [pk for pk in interest_ids if pk not in excluded]
    new = [pk for pk in wanted if pk not in held]
    for pk in new:
        try:
            with transaction.atomic():
                ProfileInterest.objects.create(
                    member=member, interest_id=pk, weight=1, last_seen_at=now
                )
        except IntegrityError:  # a parallel request created it first
            ProfileInterest.objects.filter(member=member, interest_id=pk).update(
                weight=F("weight") + 1, last_seen_at=now
            )
    if new:
        # Only a new interest can make the profile grow past its bound.
        _keep_top(member, just_seen=wanted)
    return len(wanted)


def _forget_member_view(member: Member) -> None:
    # Now, and again once committed: a page computed in between must not keep the old view.
    selectors.forget_member_view(member)
    transaction.on_commit(lambda: selectors.forget_member_view(member))


def _keep_top(member: Member, *, just_seen: list[int]) -> None:
    """The profile is bounded: only the top N interests drawn from browsing are kept. An
    interest just seen always stays (it replaces the weakest other), or no new interest
    could ever enter a full profile."""
    keep = settings.PETITE_ADS_PROFILE_SIZE
    drawn = ProfileInterest.objects.filter(member=member, added_by_member=False)
    kept_now = drawn.filter(interest_id__in=just_seen).count()
    others = drawn.exclude(interest_id__in=just_seen).order_by("-weight", "-last_seen_at", "pk")
    surplus = list(others.values_list("pk", flat=True)[max(keep - kept_now, 0) :])
    if surplus:
        ProfileInterest.objects.filter(pk__in=surplus).delete()


@transaction.atomic
def remove_interest(*, member: Member, interest: InterestCategory) -> None:
    ProfileInterest.objects.filter(member=member, interest=interest).delete()
    ExcludedInterest.objects.get_or_create(member=member, interest=interest)
    _forget_member_view(member)
    audit.record(Event.INTEREST_REMOVED, actor=member, interest=interest.key)


@transaction.atomic
def add_interest(*, member: Member, interest: InterestCategory) -> None:
    ExcludedInterest.objects.filter(member=member, interest=interest).delete()
    ProfileInterest.objects.update_or_create(
        member=member,
        interest=interest,
        defaults={"added_by_member": True, "last_seen_at": timezone.now()},
    )
    _forget_member_view(member)
    audit.record(Event.INTEREST_ADDED, actor=member, interest=interest.key)


@transaction.atomic
def block_advertiser(*, member: Member, advertiser: Advertiser) -> None:
    BlockedAdvertiser.objects.get_or_create(member=member, advertiser=advertiser)
    _forget_member_view(member)
    audit.record(Event.ADVERTISER_BLOCKED, actor=member, advertiser=advertiser.pk)


@transaction.atomic
def unblock_advertiser(*, member: Member, advertiser: Advertiser) -> None:
    BlockedAdvertiser.objects.filter(member=member, advertiser=advertiser).delete()
    _forget_member_view(member)
    audit.record(Event.ADVERTISER_UNBLOCKED, actor=member, advertiser=advertiser.pk)


@transaction.atomic
def delete_profile(*, member: Any) -> int:
    """Consent refused or withdrawn: everything kept under it goes at once. Blocked
    advertisers stay: a block protects the member and needs no consent."""
    deleted = 0
    for model in (ProfileInterest, ExcludedInterest, Exposure):
        count, _per_model = model.objects.filter(member=member).delete()
        deleted += count
    _forget_member_view(member)
    if deleted:
        audit.record(Event.PROFILE_DELETED, actor=member, rows=deleted)
    return deleted


def count_impression(*, choice: selectors.Choice, member: Member | None, today: dt.date) -> bool:
    """One more time shown, if the frequency cap and the budget allow it, both checked in the
    database (so they are exact whatever the chooser's cache says). Counts the campaign and
    its day (about no one) and, for a consenting member only, their daily exposure to it.
    Returns False, counting nothing, when the cap or the budget refuses."""
    campaign_id = choice.candidate.campaign_id
    exposure = None
    if member is not None and choice.basis == "interests":
        exposure = {"member": member, "campaign_id": campaign_id, "day": today}
        cap = settings.PETITE_ADS_FREQUENCY_CAP
        if not Exposure.objects.filter(**exposure, shown__lt=cap).update(shown=F("shown") + 1):
            try:
                with transaction.atomic():
                    Exposure.objects.create(**exposure, shown=1)
            except IntegrityError:  # the row exists: the member reached the cap today
                return False
    within_budget = Campaign.objects.filter(
        pk=campaign_id, impressions__lt=F("budget_impressions")
    ).update(impressions=F("impressions") + 1)
    if not within_budget:
        if exposure is not None:
            Exposure.objects.filter(**exposure).update(shown=F("shown") - 1)
        return False
    _bump(DailyCount, {"campaign_id": campaign_id, "day": today}, "impressions")
    return True


def count_click(*, creative: Creative, today: dt.date) -> None:
    _bump(DailyCount, {"campaign_id": creative.campaign_id, "day": today}, "clicks")


def _bump(model: Any, keys: dict[str, Any], counter: str) -> None:
    if model.objects.filter(**keys).update(**{counter: F(counter) + 1}):
        return
    try:
        with transaction.atomic():
            model.objects.create(**keys, **{counter: 1})
    except IntegrityError:  # created meanwhile by a parallel request
        model.objects.filter(**keys).update(**{counter: F(counter) + 1})


@transaction.atomic
def save_interest_category(
    *, actor: Member, interest: InterestCategory, fields: list[str] | None = None
) -> InterestCategory:
    """Create or change an interest; an Art. 9 special category is refused (model.clean)."""
    try:
        interest.save()
    except ValidationError as exc:
        raise ActionRefused(" ".join(exc.messages), code="ads.special_category") from exc
    audit.record(Event.INTEREST_CATEGORY_SAVED, actor=actor, target=interest, fields=fields or [])
    selectors.forget_cached_inventory()
    transaction.on_commit(selectors.forget_cached_inventory)
    return interest


@transaction.atomic
def save_inventory(
    *, actor: Member, item: Advertiser | Campaign | Creative, fields: list[str]
) -> None:
    """An advertiser, campaign or advertisement saved in the back-office."""
    item.save()
    audit.record(Event.INVENTORY_SAVED, actor=actor, target=item, fields=fields)
    selectors.forget_cached_inventory()
    transaction.on_commit(selectors.forget_cached_inventory)


@transaction.atomic
def delete_inventory(*, actor: Member, item: Advertiser | Campaign | Creative) -> None:
    audit.record(Event.INVENTORY_DELETED, actor=actor, target=item, name=str(item))
    item.delete()
    selectors.forget_cached_inventory()
    transaction.on_commit(selectors.forget_cached_inventory)


@transaction.atomic
def hand_over_report(
    *, actor: Member, advertiser: Advertiser, first_day: dt.date, last_day: dt.date
) -> Report:
    """Build the aggregate report for ``advertiser`` and log the hand-over."""
    if last_day < first_day:
        raise ActionRefused(_("The last day comes before the first."), code="ads.bad_period")
    if not advertiser.receives_reports:
        raise ActionRefused(_("This advertiser does not receive reports."), code="ads.no_reports")
    rows, withheld = selectors.report_rows(advertiser, first_day, last_day)
    report = Report.objects.create(
        advertiser=advertiser,
        first_day=first_day,
        last_day=last_day,
        rows=rows,
        suppressed_cells=withheld,
    )
    disclosures.record_aggregate(
        recipient=recipients.ADVERTISERS,
        purpose="P7",
        recipient_name=advertiser.name,
        reference=f"report {report.pk}: {first_day.isoformat()} to {last_day.isoformat()}",
    )
    audit.record(
        Event.REPORT_HANDED_OVER, actor=actor, target=report, rows=len(rows), withheld=withheld
    )
    return report
