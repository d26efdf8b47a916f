"""E-mails about orders and disputes, and the app's daily housekeeping."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.tasks import task
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from petite.accounts.selectors import can_email
from petite.core import schedule

from . import actions
from .models import Dispute, DisputeEvent, Receipt
from .receipts import render_pdf


@task
def send_receipt(receipt_id: int) -> None:
    """The receipt, in the member's language, with its PDF."""
    receipt = Receipt.objects.select_related("member").filter(pk=receipt_id).first()
    if receipt is None or receipt.member is None or not can_email(receipt.member):
        return
    language = receipt.member.language or settings.LANGUAGE_CODE
    with translation.override(language):
        link = settings.SITE_URL + reverse("payments:receipt", args=[receipt.public_id])
        context = {"receipt": receipt, "link": link}
        email = EmailMultiAlternatives(
            subject=_("[Petite] Your receipt %(number)s") % {"number": receipt.number},
            body=render_to_string("payments/email/receipt.txt", context),
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[receipt.member.email],
        )
        email.attach(
            f"receipt-{receipt.number}.pdf",
            render_pdf(receipt, language=language),
            "application/pdf",
        )
    email.send()


@task
def notify_team_of_dispute(dispute_id: int) -> None:
    """A new case for the back-office queue: its reference and deadline, no personal data."""
    dispute = Dispute.objects.filter(pk=dispute_id).first()
    if dispute is None:
        return
    with translation.override(settings.LANGUAGE_CODE):
        link = settings.SITE_URL + reverse("admin:payments_dispute_change", args=[dispute.pk])
        email = EmailMultiAlternatives(
            subject=_("[Petite] New dispute %(reference)s") % {"reference": dispute.reference},
            body=render_to_string(
                "payments/email/team_dispute.txt", {"dispute": dispute, "link": link}
            ),
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[settings.PETITE_TEAM_EMAIL],
        )
    email.send()


@task
def notify_member_of_dispute(event_id: int) -> None:
    """The team wrote in a case: the member is told to read it on the Platform."""
    event = DisputeEvent.objects.select_related("dispute__member").filter(pk=event_id).first()
    if event is None or event.dispute.member is None or not can_email(event.dispute.member):
        return
    member = event.dispute.member
    with translation.override(member.language or settings.LANGUAGE_CODE):
        link = settings.SITE_URL + reverse("payments:dispute", args=[event.dispute.public_id])
        email = EmailMultiAlternatives(
            subject=_("[Petite] News about your case %(reference)s")
            % {"reference": event.dispute.reference},
            body=render_to_string(
                "payments/email/member_dispute.txt", {"dispute": event.dispute, "link": link}
            ),
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[member.email],
            reply_to=[settings.PETITE_TEAM_EMAIL],
        )
    email.send()


@schedule.every(timedelta(days=1))
@task
def housekeeping() -> None:
    """Forget old webhook event ids and delete evidence files whose case was purged."""
    actions.forget_old_webhook_events()
    actions.sweep_orphan_evidence()
