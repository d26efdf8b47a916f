"""Every write to policy versions: drafts, publication, the notice campaign and its
15 days, members' acknowledgements.

The 15-day rule (E3) lives in :func:`earliest_effective_at` and
:func:`keep_notice_period`: a version never takes effect less than
``PETITE_POLICY_NOTICE_DAYS`` (at least 15) days after the last notice e-mail of its
campaign was sent. At publication the last notice has not gone yet, so the
earliest possible date is 15 days from now; while the campaign runs past that
point, the effective date moves later and staff are told.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from types import ModuleType
from typing import Literal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Max, QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from petite.accounts.models import Member
from petite.core import audit, bulkmail

from . import selectors, snapshot
from .models import PolicyAcknowledgement, PolicyVersion

# The summary of the first version, frozen in both languages when it is recorded.
INITIAL_SUMMARY = gettext_noop(
    "First recorded version: the privacy notice as it stood when versions began to be kept."
)


class PolicyError(Exception):
    """An action refused, with a message for staff in the active language."""


def notice_period() -> timedelta:
    return timedelta(days=max(15, settings.PETITE_POLICY_NOTICE_DAYS))


# --- Drafts (E2) ------------------------------------------------------------------------

Outcome = Literal["unchanged", "initial", "created", "updated", "discarded"]


@dataclass(frozen=True)
class DraftOutcome:
    outcome: Outcome
    version: PolicyVersion | None


def prepare_draft(
    *, actor: Member | None = None, taken: snapshot.Snapshot | None = None
) -> DraftOutcome:
    """Compare the notice the code generates with the latest published version and
    keep the one draft in step with it. Idempotent; safe to run from two places.

    - no version yet: the notice in force is recorded as version 1, in force at
      once and announced to nobody (nothing changed for anyone);
    - the notice differs from the latest published version: a draft holds the new
      text (created, or updated if the code changed again; its summary is kept);
    - the notice is back to the published text: an old draft is discarded.
    """
    taken = taken or snapshot.take()
    try:
        return _prepare_draft(taken, actor)
    except IntegrityError:
        # Another process created the draft or the first version at the same moment.
        return DraftOutcome("unchanged", selectors.draft() or selectors.latest_published())


@transaction.atomic
def _prepare_draft(taken: snapshot.Snapshot, actor: Member | None) -> DraftOutcome:
    latest = selectors.latest_published()
    existing = (
        PolicyVersion.objects.select_for_update().filter(status=PolicyVersion.Status.DRAFT).first()
    )
    if latest is None:
        if existing is not None:
            existing.delete()
        now = timezone.now()
        version = PolicyVersion.objects.create(
            number=1,
            status=PolicyVersion.Status.PUBLISHED,
            announced=False,
            published_at=now,
            effective_at=now,
            **_texts(taken),
            **_frozen_summary(INITIAL_SUMMARY),
        )
        audit.record(
            "policies.initial_version_recorded",
            actor=actor,
            target=version,
            content_hash=taken.content_hash,
        )
        return DraftOutcome("initial", version)
    if latest.content_hash == taken.content_hash:
        if existing is None:
            return DraftOutcome("unchanged", None)
        audit.record("policies.draft_discarded", actor=actor, target=existing)
        existing.delete()
        return DraftOutcome("discarded", None)
    if existing is None:
        version = PolicyVersion.objects.create(**_texts(taken))
        audit.record(
            "policies.draft_prepared", actor=actor, target=version, content_hash=taken.content_hash
        )
        return DraftOutcome("created", version)
    if existing.content_hash == taken.content_hash:
        return DraftOutcome("unchanged", existing)
    for name, value in _texts(taken).items():
        setattr(existing, name, value)
    existing.created_at = timezone.now()
    existing.save()
    audit.record(
        "policies.draft_updated", actor=actor, target=existing, content_hash=taken.content_hash
    )
    return DraftOutcome("updated", existing)


def _texts(taken: snapshot.Snapshot) -> dict[str, str]:
    return {
        "text_en": taken.texts["en"],
        "text_fr": taken.texts["fr"],
        "html_en": taken.html["en"],
        "html_fr": taken.html["fr"],
        "content_hash": taken.content_hash,
    }


def _frozen_summary(message: str) -> dict[str, str]:
    summaries = {}
    for language in snapshot.LANGUAGES:
        with translation.override(language):
            summaries[f"summary_{language}"] = _(message)
    return summaries


@transaction.atomic
def edit_draft(
    *, version: PolicyVersion, summary_en: str, summary_fr: str, actor: Member
) -> PolicyVersion:
    """Staff write the summary of changes of the draft, in English and French."""
    locked = PolicyVersion.objects.select_for_update().get(pk=version.pk)
    if not locked.is_draft:
        raise PolicyError(_("A published version cannot be changed."))
    locked.summary_en = summary_en.strip()
    locked.summary_fr = summary_fr.strip()
    locked.save(update_fields=["summary_en", "summary_fr"])
    audit.record("policies.draft_edited", actor=actor, target=locked)
    return locked


# --- Publication and the effective date (E1, E3) -----------------------------------------


def earliest_effective_at(version: PolicyVersion, *, now: datetime | None = None) -> datetime:
    """The earliest moment ``version`` may take effect: the notice period after the
    last notice of its campaign. Until the campaign has ended, the last notice may
    still go out now, so it is the notice period from now."""
    now = now or timezone.now()
    if version.is_draft or version.campaign_finished_at is None:
        earliest = now + notice_period()
    else:
        sent = version.last_notice_sent_at or version.published_at or now
        earliest = sent + notice_period()
    before = selectors.published().exclude(pk=version.pk)
    if version.number is not None:
        before = before.filter(number__lt=version.number)
    previous = before.aggregate(latest=Max("effective_at"))["latest"]
    return max(earliest, previous) if previous is not None else earliest


def _refuse_early(version: PolicyVersion, effective_at: datetime, now: datetime) -> None:
    earliest = earliest_effective_at(version, now=now)
    if effective_at < earliest:
        raise PolicyError(
            _(
                "The effective date must be at least %(days)d days after the last notice "
                "e-mail is sent (and not before an earlier version): %(earliest)s at the earliest."
            )
            % {
                "days": notice_period().days,
                "earliest": timezone.localtime(earliest).strftime("%Y-%m-%d %H:%M %Z"),
            }
        )


def publish(
    *,
    version: PolicyVersion,
    effective_at: datetime,
    actor: Member,
    taken: snapshot.Snapshot | None = None,
) -> PolicyVersion:
    """Publish the draft, effective at ``effective_at``, and start e-mailing every
    active member about it (after the commit, in background batches)."""
    taken = taken or snapshot.take()
    if version.is_draft and version.content_hash != taken.content_hash:
        prepare_draft(actor=actor, taken=taken)
        raise PolicyError(
            _(
                "The notice the code generates changed since this draft was prepared. The "
                "draft now holds the new text: check its summary of changes, then publish it."
            )
        )
    return _publish(version, effective_at, actor)


@transaction.atomic
def _publish(version: PolicyVersion, effective_at: datetime, actor: Member) -> PolicyVersion:
    locked = PolicyVersion.objects.select_for_update().get(pk=version.pk)
    if not locked.is_draft:
        raise PolicyError(_("This version is already published."))
    if not locked.summary_en.strip() or not locked.summary_fr.strip():
        raise PolicyError(
            _("Write the summary of changes in English and in French before publishing.")
        )
    now = timezone.now()
    _refuse_early(locked, effective_at, now)
    latest_number = selectors.published().aggregate(latest=Max("number"))["latest"] or 0
    locked.number = latest_number + 1
    locked.status = PolicyVersion.Status.PUBLISHED
    locked.published_at = now
    locked.effective_at = effective_at
    locked.planned_effective_at = effective_at
    locked.announced = True
    locked.save()
    audit.record(
        "policies.version_published",
        actor=actor,
        target=locked,
        number=locked.number,
        effective_at=effective_at.isoformat(),
        content_hash=locked.content_hash,
    )
    version_id = locked.pk
    transaction.on_commit(lambda: _tasks().start_notice_campaign.enqueue(version_id))
    return locked


@transaction.atomic
def postpone(*, version: PolicyVersion, effective_at: datetime, actor: Member) -> PolicyVersion:
    """Staff move a published version's effective date later. Never earlier: members
    were told that date; never before the notice period after the last notice."""
    locked = PolicyVersion.objects.select_for_update().get(pk=version.pk)
    now = timezone.now()
    if locked.is_draft or locked.effective_at is None:
        raise PolicyError(_("Only a published version has an effective date to change."))
    if locked.is_effective(now):
        raise PolicyError(_("This version is already in force: its date cannot change."))
    if effective_at < locked.effective_at:
        raise PolicyError(
            _("An effective date can only move later: members were told the current one.")
        )
    _refuse_early(locked, effective_at, now)
    previous = locked.effective_at
    locked.effective_at = effective_at
    locked.save(update_fields=["effective_at"])
    audit.record(
        "policies.effective_date_changed",
        actor=actor,
        target=locked,
        before=previous.isoformat(),
        after=effective_at.isoformat(),
    )
    return locked


# --- The notice campaign (E3) -------------------------------------------------------------


def notice_recipients(version: PolicyVersion) -> QuerySet[Member]:
    """Who is told about ``version``: every active member with an address who had
    joined when it was published (later members saw it at sign-up)."""
    assert version.published_at is not None
    return Member.objects.visible().exclude(email="").filter(date_joined__lt=version.published_at)


@transaction.atomic
def plan_notices(*, version: PolicyVersion) -> int:
    """One pending notice per recipient (idempotent: planning again adds only the
    missing ones); returns how many were added."""
    locked = PolicyVersion.objects.select_for_update().get(pk=version.pk)
    if locked.is_draft or not locked.announced:
        return 0
    added = bulkmail.plan(
        selectors.notices(locked),
        members=notice_recipients(locked),
        batch_size=1000,
        version=locked,
    )
    if locked.campaign_planned_at is None:
        locked.campaign_planned_at = timezone.now()
        locked.save(update_fields=["campaign_planned_at"])
        audit.record("policies.notices_planned", target=locked, notices=added)
    return added


Moved = Literal["", "running", "final"]


@transaction.atomic
def keep_notice_period(
    *,
    version: PolicyVersion,
    now: datetime | None = None,
    progress: bulkmail.Progress | None = None,
) -> Moved:
    """Keep ``version``'s effective date at least the notice period after its last
    notice; record the end of the campaign. Run after every batch and periodically.

    While notices are still going out less than the notice period before the
    effective date, the date is pushed to the notice period from now (staff are
    told the first time); when the campaign ends, it is set to the notice period
    after the last notice actually sent, never before the date first chosen, and
    staff are told again. Returns what moved. ``progress`` saves counting the
    campaign again when the caller just did (a batch returns it).
    """
    now = now or timezone.now()
    locked = PolicyVersion.objects.select_for_update().get(pk=version.pk)
    if locked.is_draft or not locked.announced or locked.effective_at is None:
        return ""
    # No "already in force" exception: if the workers were down past the date, the
    # version cannot be in force for members who were never told, so it moves too.
    if locked.campaign_finished_at is not None:
        return ""
    period = notice_period()
    progress = progress or selectors.campaign_progress(locked)
    if locked.campaign_planned_at is not None and progress.done:
        last = selectors.last_notice_sent_at(locked)
        locked.campaign_finished_at = now
        locked.last_notice_sent_at = last
        audit.record(
            "policies.notices_finished",
            target=locked,
            total=progress.total,
            sent=progress.sent,
            failed=progress.failed,
            skipped=progress.skipped,
            last_sent_at=last.isoformat() if last else None,
        )
        required = (last or locked.published_at or now) + period
        moved: Moved = ""
        if locked.effective_moved_at is not None:
            required = max(required, locked.planned_effective_at or required)
            moved = "final" if required != locked.effective_at else ""
        elif locked.effective_at < required:
            moved = "final"
            locked.effective_moved_at = now
        previous = locked.effective_at
        if moved:
            locked.effective_at = required
        locked.save()
        if moved:
            _tell_staff_moved(locked, previous, moved)
        _report_to_staff(locked)
        return moved
    if now + period <= locked.effective_at:
        return ""
    first_time = locked.effective_moved_at is None
    previous = locked.effective_at
    locked.effective_at = now + period
    locked.effective_moved_at = locked.effective_moved_at or now
    locked.save(update_fields=["effective_at", "effective_moved_at"])
    if first_time:
        _tell_staff_moved(locked, previous, "running")
        return "running"
    return ""


def _tell_staff_moved(version: PolicyVersion, previous: datetime, moved: Moved) -> None:
    assert version.effective_at is not None
    audit.record(
        "policies.effective_date_moved",
        target=version,
        before=previous.isoformat(),
        after=version.effective_at.isoformat(),
        reason="notices still being sent" if moved == "running" else "last notice sent",
    )
    version_id, kind = version.pk, moved
    transaction.on_commit(lambda: _tasks().tell_team.enqueue(version_id, f"moved_{kind}"))


def _report_to_staff(version: PolicyVersion) -> None:
    version_id = version.pk
    transaction.on_commit(lambda: _tasks().tell_team.enqueue(version_id, "finished"))


def _tasks() -> ModuleType:
    # tasks imports this module; importing it lazily keeps the cycle harmless.
    from . import tasks

    return tasks


# --- Members (E3, E4) ----------------------------------------------------------------------


@transaction.atomic
def acknowledge(*, member: Member, version: PolicyVersion) -> PolicyAcknowledgement:
    """Record that ``member`` read ``version`` (the banner's button). Idempotent."""
    if version.is_draft:
        raise PolicyError(_("A draft cannot be acknowledged."))
    acknowledgement, created = PolicyAcknowledgement.objects.get_or_create(
        member=member, version=version
    )
    if created:
        audit.record("policies.acknowledged", actor=member, target=version)
    return acknowledgement
