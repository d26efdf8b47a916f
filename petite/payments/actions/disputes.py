"""Disputes (P9): a processor's case or a member's, the messages, the evidence."""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import get_random_string
from django.utils.translation import gettext_lazy as _

from petite.accounts.models import Member
from petite.core import audit, malware
from petite.core.deferred import follow_up
from petite.core.errors import ActionRefused

from ..models import (
    CLOSED_DISPUTE_STATUSES,
    EVIDENCE_TYPES,
    SETTLED_STATUSES,
    Dispute,
    DisputeEvent,
    DisputeEvidence,
    Order,
    Receipt,
)
from ..providers.base import (
    DisputeInfo,
)

logger = logging.getLogger(__name__)


notify_team_of_dispute = follow_up("petite.payments.tasks.notify_team_of_dispute")
notify_member_of_dispute = follow_up("petite.payments.tasks.notify_member_of_dispute")


# --- Disputes (P9) ----------------------------------------------------------------------


def _dispute_reference() -> str:
    return "CASE-" + get_random_string(8, "ABCDEFGHJKLMNPQRSTUVWXYZ23456789")


def record_processor_dispute(*, source: str, info: DisputeInfo, order: Order | None) -> Dispute:
    """Open or update the case of a processor's dispute (Stripe, PayPal)."""
    with transaction.atomic():
        dispute = (
            Dispute.objects.select_for_update()
            .filter(source=source, provider_reference=info.reference)
            .first()
        )
        status = info.status if info.status in Dispute.Status.values else Dispute.Status.OPEN
        if dispute is None:
            receipt = Receipt.objects.filter(order=order).first() if order else None
            dispute = Dispute.objects.create(
                reference=_dispute_reference(),
                source=source,
                provider_reference=info.reference,
                order=order,
                receipt=receipt,
                member=order.member if order else None,
                order_reference=order.reference if order else "",
                reason=info.reason or "unspecified",
                amount_cents=info.amount_cents,
                status=status,
                respond_by=info.respond_by,
                closed_at=timezone.now() if info.closed else None,
            )
            DisputeEvent.objects.create(
                dispute=dispute, kind=DisputeEvent.Kind.OPENED, by=source, status=status
            )
            audit.record("payments.dispute_opened", target=dispute, source=source)
            dispute_id = dispute.pk
            notify_team_of_dispute.after_commit(dispute_id)
            return dispute
        changed = []
        if dispute.status != status:
            dispute.status = status
            changed.append("status")
            DisputeEvent.objects.create(
                dispute=dispute, kind=DisputeEvent.Kind.STATUS, by=source, status=status
            )
        if info.respond_by and dispute.respond_by != info.respond_by:
            dispute.respond_by = info.respond_by
            changed.append("respond_by")
        closed_at = (
            (dispute.closed_at or timezone.now()) if status in CLOSED_DISPUTE_STATUSES else None
        )
        if closed_at != dispute.closed_at:
            dispute.closed_at = closed_at
            changed.append("closed_at")
        if changed:
            dispute.save(update_fields=changed)
            audit.record("payments.dispute_updated", target=dispute, status=status)
        return dispute


REASONS = {
    "not_received": _("I did not receive what I paid for"),
    "not_as_described": _("It is not what was described"),
    "charged_wrongly": _("I was charged the wrong amount or twice"),
    "other": _("Something else"),
}


@transaction.atomic
def open_member_dispute(*, order: Order, member: Member, reason: str, message: str) -> Dispute:
    """A member disagrees with us about an order: a case the team answers by a deadline."""
    locked = Order.objects.select_for_update().get(pk=order.pk)
    if locked.member_id != member.pk:
        raise ActionRefused(_("This order is not yours."))
    if locked.status not in SETTLED_STATUSES:
        raise ActionRefused(_("A dispute can be opened only about a paid order."))
    if reason not in REASONS:
        raise ActionRefused(_("Choose a reason."))
    if Dispute.objects.filter(
        order=locked, source=Dispute.Source.MEMBER, closed_at__isnull=True
    ).exists():
        raise ActionRefused(_("A dispute about this order is already open."))
    now = timezone.now()
    dispute = Dispute.objects.create(
        reference=_dispute_reference(),
        source=Dispute.Source.MEMBER,
        order=locked,
        receipt=Receipt.objects.filter(order=locked).first(),
        member=member,
        order_reference=locked.reference,
        reason=reason,
        amount_cents=locked.amount_cents - locked.refunded_cents,
        opened_at=now,
        respond_by=now + timedelta(days=settings.PETITE_DISPUTE_RESPONSE_DAYS),
    )
    DisputeEvent.objects.create(
        dispute=dispute, kind=DisputeEvent.Kind.OPENED, by="member", author=member, status="open"
    )
    DisputeEvent.objects.create(
        dispute=dispute, kind=DisputeEvent.Kind.MESSAGE, by="member", author=member, text=message
    )
    audit.record("payments.dispute_opened", actor=member, target=dispute, source="member")
    dispute_id = dispute.pk
    notify_team_of_dispute.after_commit(dispute_id)
    return dispute


@transaction.atomic
def post_dispute_message(
    *, dispute: Dispute, author: Member, text: str, from_team: bool
) -> DisputeEvent:
    if dispute.is_closed and not from_team:
        raise ActionRefused(_("This case is closed."))
    event = DisputeEvent.objects.create(
        dispute=dispute,
        kind=DisputeEvent.Kind.MESSAGE,
        by="team" if from_team else "member",
        author=author,
        text=text,
    )
    audit.record("payments.dispute_message", actor=author, target=dispute, event=event.pk)
    event_id = event.pk
    if from_team:
        notify_member_of_dispute.after_commit(event_id)
    return event


@transaction.atomic
def change_dispute_status(
    *, dispute: Dispute, status: str, actor: Member, note: str = ""
) -> Dispute:
    locked = Dispute.objects.select_for_update().get(pk=dispute.pk)
    if status not in Dispute.Status.values:
        raise ActionRefused(_("Unknown status."))
    if status == locked.status:
        return locked
    locked.status = status
    locked.closed_at = timezone.now() if status in CLOSED_DISPUTE_STATUSES else None
    locked.save(update_fields=["status", "closed_at"])
    event = DisputeEvent.objects.create(
        dispute=locked,
        kind=DisputeEvent.Kind.STATUS,
        by="team",
        author=actor,
        status=status,
        text=note,
    )
    audit.record("payments.dispute_status", actor=actor, target=locked, status=status)
    if note:
        event_id = event.pk
        notify_member_of_dispute.after_commit(event_id)
    return locked


# File signatures of the accepted types: a renamed executable is refused.
MAGIC = {
    "application/pdf": (b"%PDF-",),
    "image/png": (b"\x89PNG\r\n\x1a\n",),
    "image/jpeg": (b"\xff\xd8\xff",),
}


def check_evidence(upload: UploadedFile) -> str:
    """The upload's type, once its size, declared type and first bytes agree."""
    if upload.size is None or upload.size > settings.PETITE_DISPUTE_EVIDENCE_MAX_BYTES:
        raise ActionRefused(
            _("The file is too large (at most %(size)d MB).")
            % {"size": settings.PETITE_DISPUTE_EVIDENCE_MAX_BYTES // (1024 * 1024)}
        )
    if not upload.size:
        raise ActionRefused(_("The file is empty."))
    content_type = (upload.content_type or "").split(";")[0].strip().lower()
    if content_type not in EVIDENCE_TYPES:
        raise ActionRefused(_("Only PDF, PNG, JPEG and plain text files are accepted."))
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    if content_type == "text/plain":
        if b"\x00" in head:
            raise ActionRefused(_("The file's content does not match its type."))
    elif not any(head.startswith(magic) for magic in MAGIC[content_type]):
        raise ActionRefused(_("The file's content does not match its type."))
    return content_type


def add_dispute_evidence(
    *, dispute: Dispute, upload: UploadedFile, author: Member, from_team: bool, ip: str = ""
) -> DisputeEvidence:
    """Check, scan for malware (ActionRefused when infected or the scanner is down),
    then store. The scan runs before the transaction opens, so that a refusal's
    security record is kept while nothing of the file is."""
    if dispute.is_closed and not from_team:
        raise ActionRefused(_("This case is closed."))
    # Scanned first, whatever its declared type: a detection is recorded even for
    # a file its type alone would have refused.
    scan = malware.scan_upload(
        upload, source="payments.dispute_evidence", uploader=author, ip=ip, name=upload.name or ""
    )
    content_type = check_evidence(upload)
    return _store_dispute_evidence(
        dispute=dispute,
        upload=upload,
        author=author,
        from_team=from_team,
        content_type=content_type,
        scan=scan,
    )


@transaction.atomic
def _store_dispute_evidence(
    *,
    dispute: Dispute,
    upload: UploadedFile,
    author: Member,
    from_team: bool,
    content_type: str,
    scan: malware.ScanResult,
) -> DisputeEvidence:
    by = "team" if from_team else "member"
    evidence = DisputeEvidence(
        dispute=dispute,
        original_name=(upload.name or "evidence")[:200],
        content_type=content_type,
        size=upload.size or 0,
        uploaded_by=author,
        by=by,
    )
    evidence.record_scan(scan)
    evidence.file.save(upload.name or "evidence", upload, save=False)
    stored = evidence.file.name or ""
    # Should the transaction roll back later, sweep_orphan_evidence removes the file.
    try:
        evidence.save()
    except Exception:
        evidence.file.storage.delete(stored)
        raise
    DisputeEvent.objects.create(
        dispute=dispute, kind=DisputeEvent.Kind.EVIDENCE, by=by, author=author, text=""
    )
    audit.record("payments.dispute_evidence", actor=author, target=dispute, evidence=evidence.pk)
    return evidence


def sweep_orphan_evidence() -> int:
    """Delete evidence files whose row is gone (the retention engine deletes rows only)."""
    folder = "payments/evidence"
    try:
        _dirs, names = default_storage.listdir(folder)
    except (FileNotFoundError, NotImplementedError):
        return 0
    known = set(DisputeEvidence.objects.values_list("file", flat=True))
    # A file younger than this may belong to an upload not committed yet.
    settled_before = timezone.now() - timedelta(hours=1)
    removed = 0
    for name in names:
        path = f"{folder}/{name}"
        if path not in known and default_storage.get_modified_time(path) < settled_before:
            default_storage.delete(path)
            removed += 1
    if removed:
        audit.record("payments.evidence_swept", count=removed)
    return removed
