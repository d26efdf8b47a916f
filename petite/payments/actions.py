"""Every write of the payments app: orders, payments, receipts, refunds, disputes, webhooks.

Calls to a processor are made **outside** any database transaction (a slow
processor must not hold the database), with the order's own idempotency keys so
that a retried call never charges or refunds twice. What comes back is then
applied in one transaction, under a lock on the order, by :func:`settle`, which
only ever moves an order forward: a late or repeated event changes nothing it
should not (ADR 0013).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.crypto import get_random_string
from django.utils.translation import gettext_lazy as _

from petite.accounts.models import Member
from petite.core import audit, malware
from petite.privacy import disclosures
from petite.privacy.categories import Category

from . import providers, tasks
from .models import (
    CLOSED_DISPUTE_STATUSES,
    EVIDENCE_TYPES,
    SETTLED_STATUSES,
    Dispute,
    DisputeEvent,
    DisputeEvidence,
    Offer,
    Order,
    Receipt,
    ReceiptSequence,
    Refund,
    WebhookEvent,
)
from .providers.base import (
    Checkout,
    DisputeInfo,
    Event,
    EventKind,
    NotConfigured,
    Outcome,
    PaymentError,
    PaymentState,
    Provider,
)

logger = logging.getLogger(__name__)


class PaymentsError(Exception):
    """A request the Platform refuses; ``message`` is for the person who made it."""

    def __init__(self, message: Any) -> None:
        self.message = message
        super().__init__(str(message))


# --- Orders and payments ------------------------------------------------------------


@transaction.atomic
def save_offer(*, offer: Offer, actor: Member | None, created: bool) -> Offer:
    """Put an offer on sale or change it (staff, in the back-office)."""
    offer.save()
    audit.record(
        "payments.offer_created" if created else "payments.offer_changed", actor=actor, target=offer
    )
    return offer


@transaction.atomic
def delete_offer(*, offer: Offer, actor: Member | None) -> None:
    """Remove an offer nobody ordered (one that was ordered is taken off sale instead)."""
    audit.record("payments.offer_deleted", actor=actor, target=offer)
    offer.delete()


@transaction.atomic
def create_order(*, member: Member, offer: Offer, provider_key: str) -> Order:
    """A member orders an offer, to be paid with ``provider_key``."""
    if not offer.active:
        raise PaymentsError(_("This offer is no longer on sale."))
    provider = providers.get(provider_key)
    if not provider.is_configured():
        raise PaymentsError(NotConfigured.message)
    order = Order.objects.create(
        member=member,
        offer=offer,
        item_name=offer.name,
        amount_cents=offer.price_cents,
        provider=provider.key,
    )
    audit.record("payments.order_created", actor=member, target=order, provider=provider.key)
    return order


def start_payment(*, order: Order, return_url: str, cancel_url: str) -> Checkout:
    """Create (or find again) the processor's payment; how the member goes on paying.

    Raises :class:`PaymentError` subclasses with a message for the member; the
    order then stays as it was (pending), and trying again is safe.
    """
    if not order.is_payable:
        raise PaymentsError(_("This order is not waiting for a payment."))
    provider = providers.get(order.provider)
    if not provider.is_configured():
        raise NotConfigured()
    creating = not order.provider_reference
    try:
        checkout = provider.start(order, return_url=return_url, cancel_url=cancel_url)
    except NotConfigured:
        raise
    except PaymentError as error:
        if creating:
            # The request may have reached the processor before it failed: logged as sent.
            _disclose(provider, order, "start", note=f"failed: {error.code}")
        raise
    with transaction.atomic():
        locked = Order.objects.select_for_update().get(pk=order.pk)
        if not locked.provider_reference and checkout.reference:
            locked.provider_reference = checkout.reference
            locked.save(update_fields=["provider_reference", "updated_at"])
        if checkout.created:
            _disclose(provider, locked, "start")
            audit.record("payments.payment_started", actor=locked.member, target=locked)
    order.refresh_from_db()
    return checkout


def complete_payment(*, order: Order) -> Order:
    """The member is back from the processor: ask where the payment stands and apply it."""
    provider = providers.get(order.provider)
    if not order.is_payable:
        return order
    state = _complete(provider, order)
    return settle(order=order, state=state, via="return")


def _complete(provider: Provider, order: Order) -> PaymentState:
    """Ask the processor to complete (capture) the payment; the request is logged as a
    disclosure even when it fails, since it may have reached the processor."""
    logged = "complete" in provider.SENT
    try:
        state = provider.complete(order)
    except PaymentError as error:
        if logged:
            _disclose(provider, order, "complete", note=f"failed: {error.code}")
        raise
    if logged:
        _disclose(provider, order, "complete")
    return state


@transaction.atomic
def cancel_order(*, order: Order, member: Member) -> Order:
    locked = Order.objects.select_for_update().get(pk=order.pk)
    if locked.member_id != member.pk or locked.status != Order.Status.PENDING:
        raise PaymentsError(_("Only an order waiting for payment can be cancelled."))
    locked.status = Order.Status.CANCELLED
    locked.save(update_fields=["status", "updated_at"])
    audit.record("payments.order_cancelled", actor=member, target=locked)
    return locked


@transaction.atomic
def settle(*, order: Order, state: PaymentState, via: str) -> Order:
    """Apply a processor's answer to an order; only ever moves it forward.

    A success settles a pending, failed or cancelled order (the money was taken:
    the member gets their receipt) and issues its receipt; a failure only touches
    a pending order. Repeating the same answer changes nothing.
    """
    locked = Order.objects.select_for_update().get(pk=order.pk)
    changed: list[str] = []
    if state.reference and not locked.provider_reference:
        locked.provider_reference = state.reference
        changed.append("provider_reference")
    if state.charge_reference and not locked.provider_charge_reference:
        locked.provider_charge_reference = state.charge_reference
        changed.append("provider_charge_reference")
    if state.outcome is Outcome.SUCCEEDED and locked.status not in SETTLED_STATUSES:
        if state.amount_cents and state.amount_cents != locked.amount_cents:
            # Never settle for another amount than the order's: staff must look.
            logger.error("Payment amount differs from the order's (order %s)", locked.pk)
            audit.record("payments.amount_mismatch", target=locked, via=via)
            raise PaymentsError(_("The payment's amount does not match the order."))
        locked.status = Order.Status.PAID
        locked.paid_at = timezone.now()
        locked.failure_code = ""
        changed += ["status", "paid_at", "failure_code"]
    elif state.outcome is Outcome.FAILED and locked.status == Order.Status.PENDING:
        locked.status = Order.Status.FAILED
        locked.failure_code = state.failure_code[:60] or "failed"
        changed += ["status", "failure_code"]
    if not changed:
        return locked
    locked.save(update_fields=[*changed, "updated_at"])
    if "paid_at" in changed:
        audit.record("payments.order_paid", target=locked, via=via)
        receipt = _issue_receipt(locked)
        receipt_id = receipt.pk
        transaction.on_commit(lambda: tasks.send_receipt.enqueue(receipt_id))
    elif "failure_code" in changed:
        audit.record("payments.payment_failed", target=locked, via=via, code=locked.failure_code)
    return locked


def _issue_receipt(order: Order) -> Receipt:
    """The next number of the year, in the transaction that settles the order (gapless)."""
    existing = Receipt.objects.filter(order=order).first()
    if existing is not None:
        return existing
    issued_at = timezone.now()
    year = timezone.localtime(issued_at).year
    ReceiptSequence.objects.bulk_create([ReceiptSequence(year=year)], ignore_conflicts=True)
    sequence = ReceiptSequence.objects.select_for_update().get(year=year)
    sequence.last_number += 1
    sequence.save(update_fields=["last_number"])
    member = order.member
    receipt = Receipt.objects.create(
        number=f"{year}-{sequence.last_number:06d}",
        year=year,
        sequence=sequence.last_number,
        order=order,
        member=member,
        buyer_name=member.get_full_name()[:300],
        buyer_email=member.email,
        order_reference=order.reference,
        item_name=order.item_name,
        amount_cents=order.amount_cents,
        currency=order.currency,
        provider=order.provider,
        provider_reference=order.provider_reference,
        paid_at=order.paid_at or issued_at,
        issued_at=issued_at,
        language=member.language or settings.LANGUAGE_CODE,
    )
    audit.record("payments.receipt_issued", target=receipt, number=receipt.number)
    return receipt


def _disclose(provider: Provider, order: Order, operation: str, *, note: str = "") -> None:
    fields: Mapping[str, Category] = provider.SENT.get(operation, {})
    if provider.recipient is None or not fields:
        return
    reference = f"order {order.reference}: {operation}"
    disclosures.record(
        member=order.member,
        recipient=provider.recipient,
        purpose="P3",
        fields=fields,
        reference=f"{reference} ({note})" if note else reference,
    )


# --- Refunds (back-office) ----------------------------------------------------------


def refund_order(*, order: Order, amount_cents: int, actor: Member) -> Refund:
    """Give back ``amount_cents`` of a paid order through its processor.

    The refund row (and its idempotency key) is written first: if the processor
    does not answer, staff try again and the same key makes sure the member is
    refunded once.
    """
    with transaction.atomic():
        locked = Order.objects.select_for_update().get(pk=order.pk)
        if locked.status not in (Order.Status.PAID, Order.Status.PARTIALLY_REFUNDED):
            raise PaymentsError(_("Only a paid order can be refunded."))
        if not 0 < amount_cents <= locked.refundable_cents:
            raise PaymentsError(_("The amount must be between 0.01 and what is left to refund."))
        waiting = Refund.objects.filter(
            order=locked, status__in=[Refund.Status.REQUESTED, Refund.Status.PENDING]
        ).first()
        retrying = (
            waiting is not None
            and waiting.status == Refund.Status.REQUESTED
            and waiting.amount_cents == amount_cents
        )
        if waiting is not None and not retrying:
            # Another amount under a new idempotency key could refund the member twice.
            raise PaymentsError(
                _(
                    "A refund of this order is still waiting for the processor's answer: "
                    "try again with the same amount, or wait until it is settled."
                )
            )
        refund = waiting or Refund.objects.create(
            order=locked,
            receipt=Receipt.objects.filter(order=locked).first(),
            amount_cents=amount_cents,
            idempotency_key=f"petite-{locked.reference}-refund-{get_random_string(12)}",
        )
    provider = providers.get(locked.provider)
    try:
        result = provider.refund(
            locked, amount_cents=amount_cents, idempotency_key=refund.idempotency_key
        )
    finally:
        _disclose(provider, locked, "refund")
    with transaction.atomic():
        locked = Order.objects.select_for_update().get(pk=order.pk)
        refund = Refund.objects.select_for_update().get(pk=refund.pk)
        if refund.status in (Refund.Status.SUCCEEDED, Refund.Status.FAILED):
            return refund  # settled meanwhile (a double submit, or the webhook came first)
        refund.provider_reference = result.reference
        if result.succeeded:
            refund.status = Refund.Status.SUCCEEDED
            _add_refunded(locked, amount_cents)
        elif result.pending:
            refund.status = Refund.Status.PENDING
        else:
            refund.status = Refund.Status.FAILED
        refund.save(update_fields=["provider_reference", "status"])
        audit.record(
            "payments.refund",
            actor=actor,
            target=locked,
            refund=refund.pk,
            amount_cents=amount_cents,
            status=refund.status,
        )
    return refund


def _add_refunded(order: Order, amount_cents: int) -> None:
    order.refunded_cents = min(order.amount_cents, order.refunded_cents + amount_cents)
    order.status = (
        Order.Status.REFUNDED
        if order.refunded_cents >= order.amount_cents
        else Order.Status.PARTIALLY_REFUNDED
    )
    order.save(update_fields=["refunded_cents", "status", "updated_at"])


def _refunded_by_processor(order: Order, total_cents: int, event: Event) -> None:
    """The processor says ``total_cents`` is refunded in all: record what we did not know."""
    if order.status not in SETTLED_STATUSES:
        # A refund proves the payment: the success event may simply be late.
        order = settle(
            order=order,
            state=PaymentState(
                reference=event.payment_reference,
                outcome=Outcome.SUCCEEDED,
                charge_reference=event.charge_reference,
            ),
            via="webhook",
        )
    order = Order.objects.select_for_update().get(pk=order.pk)
    missing = min(total_cents, order.amount_cents) - order.refunded_cents
    if missing <= 0:
        return
    requested = Refund.objects.filter(
        order=order, status__in=(Refund.Status.REQUESTED, Refund.Status.PENDING)
    ).filter(amount_cents=missing)
    refund = requested.first()
    if refund is not None:
        refund.status = Refund.Status.SUCCEEDED
        refund.save(update_fields=["status"])
    else:
        refund = Refund.objects.create(
            order=order,
            receipt=Receipt.objects.filter(order=order).first(),
            amount_cents=missing,
            status=Refund.Status.SUCCEEDED,
            provider_reference=event.charge_reference[:100],
            idempotency_key=f"processor-{order.provider}-{event.id}"[:80],
        )
    _add_refunded(order, missing)
    audit.record("payments.refunded_by_processor", target=order, refund=refund.pk)


# --- Webhooks --------------------------------------------------------------------------


def find_order(provider_key: str, event: Event) -> Order | None:
    orders = Order.objects.filter(provider=provider_key)
    for field, value in (
        ("provider_reference", event.payment_reference),
        ("provider_charge_reference", event.charge_reference),
        ("reference", event.order_reference),
    ):
        if value:
            found = orders.filter(**{field: value}).first()
            if found is not None:
                return found
    return None


def handle_event(*, provider_key: str, event: Event) -> str:
    """Apply one verified webhook event, exactly once; returns what was done.

    The event's id is written in the same transaction as its effect, so an event
    is either fully applied or not at all (the processor sends it again), and a
    replay finds the id and does nothing.
    """
    if WebhookEvent.objects.filter(provider=provider_key, event_id=event.id).exists():
        return "duplicate"
    order = find_order(provider_key, event)
    state: PaymentState | None = None
    if event.kind is EventKind.PAYMENT_APPROVED and order is not None and order.is_payable:
        # The member approved but may never come back: capture now (idempotent).
        state = _complete(providers.get(provider_key), order)
    with transaction.atomic():
        try:
            # Only this insert can say "duplicate" (its own savepoint): any other
            # failure rolls the event back and answers 5xx, so the processor resends it.
            with transaction.atomic():
                WebhookEvent.objects.create(
                    provider=provider_key, event_id=event.id[:120], event_type=event.type[:80]
                )
        except IntegrityError:
            # The same event, delivered twice at the same moment: the other delivery won.
            return "duplicate"
        outcome = _apply_event(provider_key, event, order, state)
        WebhookEvent.objects.filter(provider=provider_key, event_id=event.id[:120]).update(
            outcome=outcome
        )
    return outcome


def _apply_event(
    provider_key: str, event: Event, order: Order | None, state: PaymentState | None
) -> str:
    if event.kind is EventKind.DISPUTE and event.dispute is not None:
        record_processor_dispute(source=provider_key, info=event.dispute, order=order)
        return "dispute"
    if event.kind is EventKind.IGNORED:
        return "ignored"
    if order is None:
        logger.warning("A %s event names no known order", provider_key)
        return "unknown_order"
    if event.kind is EventKind.PAYMENT_APPROVED:
        if state is not None:
            settle(order=order, state=state, via="webhook")
        return "approved"
    if event.kind is EventKind.PAYMENT_SUCCEEDED:
        settle(
            order=order,
            state=PaymentState(
                reference=event.payment_reference,
                outcome=Outcome.SUCCEEDED,
                charge_reference=event.charge_reference,
                amount_cents=event.amount_cents,
            ),
            via="webhook",
        )
        return "succeeded"
    if event.kind is EventKind.PAYMENT_FAILED:
        settle(
            order=order,
            state=PaymentState(
                reference=event.payment_reference,
                outcome=Outcome.FAILED,
                failure_code=event.failure_code,
            ),
            via="webhook",
        )
        return "failed"
    if event.kind is EventKind.REFUNDED:
        _refunded_by_processor(order, event.refunded_cents, event)
        return "refunded"
    return "ignored"


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
            transaction.on_commit(lambda: tasks.notify_team_of_dispute.enqueue(dispute_id))
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
        raise PaymentsError(_("This order is not yours."))
    if locked.status not in SETTLED_STATUSES:
        raise PaymentsError(_("A dispute can be opened only about a paid order."))
    if reason not in REASONS:
        raise PaymentsError(_("Choose a reason."))
    if Dispute.objects.filter(
        order=locked, source=Dispute.Source.MEMBER, closed_at__isnull=True
    ).exists():
        raise PaymentsError(_("A dispute about this order is already open."))
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
    transaction.on_commit(lambda: tasks.notify_team_of_dispute.enqueue(dispute_id))
    return dispute


@transaction.atomic
def post_dispute_message(
    *, dispute: Dispute, author: Member, text: str, from_team: bool
) -> DisputeEvent:
    if dispute.is_closed and not from_team:
        raise PaymentsError(_("This case is closed."))
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
        transaction.on_commit(lambda: tasks.notify_member_of_dispute.enqueue(event_id))
    return event


@transaction.atomic
def change_dispute_status(
    *, dispute: Dispute, status: str, actor: Member, note: str = ""
) -> Dispute:
    locked = Dispute.objects.select_for_update().get(pk=dispute.pk)
    if status not in Dispute.Status.values:
        raise PaymentsError(_("Unknown status."))
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
        transaction.on_commit(lambda: tasks.notify_member_of_dispute.enqueue(event_id))
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
        raise PaymentsError(
            _("The file is too large (at most %(size)d MB).")
            % {"size": settings.PETITE_DISPUTE_EVIDENCE_MAX_BYTES // (1024 * 1024)}
        )
    if not upload.size:
        raise PaymentsError(_("The file is empty."))
    content_type = (upload.content_type or "").split(";")[0].strip().lower()
    if content_type not in EVIDENCE_TYPES:
        raise PaymentsError(_("Only PDF, PNG, JPEG and plain text files are accepted."))
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    if content_type == "text/plain":
        if b"\x00" in head:
            raise PaymentsError(_("The file's content does not match its type."))
    elif not any(head.startswith(magic) for magic in MAGIC[content_type]):
        raise PaymentsError(_("The file's content does not match its type."))
    return content_type


def add_dispute_evidence(
    *, dispute: Dispute, upload: UploadedFile, author: Member, from_team: bool, ip: str = ""
) -> DisputeEvidence:
    """Check, scan for malware (ActionRefused when infected or the scanner is down),
    then store. The scan runs before the transaction opens, so that a refusal's
    security record is kept while nothing of the file is."""
    if dispute.is_closed and not from_team:
        raise PaymentsError(_("This case is closed."))
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


# --- Housekeeping ------------------------------------------------------------------


def forget_old_webhook_events(*, now: Any = None) -> int:
    cutoff = (now or timezone.now()) - timedelta(days=settings.PETITE_WEBHOOK_EVENT_RETENTION_DAYS)
    deleted, _per_model = WebhookEvent.objects.filter(received_at__lt=cutoff).delete()
    return deleted


def sweep_orphan_evidence() -> int:
    """Delete evidence files whose row is gone (the retention engine deletes rows only)."""
    from django.core.files.storage import default_storage

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
