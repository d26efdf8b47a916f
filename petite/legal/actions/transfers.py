"""Transfers of the Platform (S6): nobody's data moves before they were told.

A transfer is recorded with its recipient, kind, planned date and categories.
Starting the notices fixes who is in scope (members active within the window,
3 years by default) and e-mails each of them once through the bulk-mail engine; the
planned date must leave the notice period (a setting, never under the 15 days of
E3). Until the date, members can object or delete their account. Executing is
refused until every member in scope has a delivered notice and the period after the
last one has passed; the dataset then holds the export engine's archive of each
member told, minus objectors and closed accounts, and the disclosure log says so.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from petite.accounts.models import Member
from petite.core import audit, bulkmail
from petite.core.deferred import follow_up
from petite.core.errors import ActionRefused
from petite.core.models import Delivery
from petite.privacy import disclosures, export
from petite.privacy.recipients import recipients

from .. import packages, selectors
from ..events import Event
from ..models import Transfer, TransferObjection
from .requests import _categories, scoped_fields

send_transfer_notices = follow_up("petite.legal.tasks.send_transfer_notices")


def notice_period() -> timedelta:
    """The days between the last notice and the transfer: never under E3's 15."""
    return timedelta(days=max(15, int(settings.PETITE_TRANSFER_NOTICE_DAYS)))


@transaction.atomic
def record_transfer(
    *,
    actor: Member,
    recipient: str,
    kind: str,
    planned_at: datetime,
    categories: Sequence[str],
    active_within_days: int | None = None,
) -> Transfer:
    if kind not in Transfer.Kind.values:
        raise ActionRefused("Choose the kind of transfer.", code="legal.transfer_kind")
    if not recipient.strip():
        raise ActionRefused("Name the recipient.", code="legal.transfer_recipient")
    if planned_at <= timezone.now():
        raise ActionRefused("The planned date must be in the future.", code="legal.transfer_date")
    transfer = Transfer.objects.create(
        recipient=recipient.strip(),
        kind=kind,
        planned_at=planned_at,
        categories=_categories(categories),
        active_within_days=active_within_days or settings.PETITE_TRANSFER_ACTIVE_DAYS,
    )
    audit.record(Event.TRANSFER_RECORDED, actor=actor, target=transfer, kind=kind)
    return transfer


@transaction.atomic
def start_notices(*, transfer: Transfer, actor: Member) -> int:
    """Fix the scope and plan one notice per member in it; returns how many."""
    locked = Transfer.objects.select_for_update().get(pk=transfer.pk)
    if locked.status != Transfer.Status.DRAFT:
        raise ActionRefused(
            "The notices of this transfer were already started.", code="legal.started", status=409
        )
    now = timezone.now()
    if locked.planned_at < now + notice_period():
        raise ActionRefused(
            f"The planned date must be at least {notice_period().days} days after the notices "
            "go out: move it later first.",
            code="legal.notice_period",
        )
    planned = bulkmail.plan(
        selectors.transfer_notices(locked),
        members=selectors.transfer_scope(locked, now),
        transfer=locked,
    )
    locked.status = Transfer.Status.NOTIFYING
    locked.notices_started_at = now
    locked.save(update_fields=["status", "notices_started_at"])
    audit.record(Event.TRANSFER_NOTICES_STARTED, actor=actor, target=locked, members=planned)
    send_transfer_notices.after_commit(transfer_id=locked.pk)
    transfer.refresh_from_db()
    return planned


@transaction.atomic
def object_to_transfer(*, transfer: Transfer, member: Member) -> TransferObjection:
    """The member says no: left out of the dataset. Asking twice changes nothing."""
    locked = Transfer.objects.select_for_update().get(pk=transfer.pk)
    told = selectors.transfer_notices(locked).filter(member=member).exists()
    if locked.status != Transfer.Status.NOTIFYING or not told:
        raise ActionRefused(
            _("This transfer does not concern your account."), code="legal.not_in_scope", status=404
        )
    if timezone.now() >= locked.planned_at:
        raise ActionRefused(
            _("The date of this transfer has passed."), code="legal.too_late", status=409
        )
    objection, created = TransferObjection.objects.get_or_create(transfer=locked, member=member)
    if created:
        audit.record(Event.TRANSFER_OBJECTED, actor=member, target=locked)
    return objection


def why_not_yet(transfer: Transfer, now: datetime | None = None) -> str | None:
    """Why executing would be refused now, or None when it may run."""
    now = now or timezone.now()
    if transfer.status != Transfer.Status.NOTIFYING:
        return "Only a transfer whose members were told can be executed."
    if now < transfer.planned_at:
        return "The planned date has not come yet."
    notices = selectors.transfer_notices(transfer)
    # Members who closed their account since are out of the dataset: their notice
    # (skipped, since they may no longer be e-mailed) does not hold the transfer back.
    in_scope = notices.filter(member__in=Member.objects.visible())
    undelivered = in_scope.exclude(status=Delivery.Status.SENT).count()
    if undelivered:
        return f"{undelivered} member(s) in scope have no delivered notice yet."
    last = notices.aggregate(last=Max("sent_at"))["last"]
    if last is not None and now < last + notice_period():
        return "The notice period after the last notice has not passed yet."
    return None


def execute_transfer(*, transfer: Transfer, actor: Member) -> Transfer:
    """Produce the dataset and record the transfer, or refuse (and audit the refusal)."""
    reason = why_not_yet(transfer)
    if reason is not None:
        audit.record(Event.TRANSFER_EXECUTION_REFUSED, actor=actor, target=transfer, why=reason)
        raise ActionRefused(reason, code="legal.transfer_refused", status=409)
    with transaction.atomic():
        locked = Transfer.objects.select_for_update().get(pk=transfer.pk)
        reason = why_not_yet(locked)
        if reason is not None:
            raise ActionRefused(reason, code="legal.transfer_refused", status=409)
        members = list(selectors.transfer_dataset_members(locked))
        content = packages.build(members, export.Scope(categories=frozenset(locked.categories)))
        locked.dataset_name = packages.store(content)
        locked.dataset_members = len(members)
        locked.status = Transfer.Status.EXECUTED
        locked.executed_at = timezone.now()
        locked.save()
        fields = scoped_fields(locked.categories)
        for member in members:
            disclosures.record(
                member=member,
                recipient=recipients.SUCCESSOR,
                purpose="S6",
                fields=fields,
                recipient_name=locked.recipient,
                reference=f"transfer {locked.pk} ({locked.get_kind_display()})",
            )
        audit.record(Event.TRANSFER_EXECUTED, actor=actor, target=locked, members=len(members))
    transfer.refresh_from_db()
    return transfer
