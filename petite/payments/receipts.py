"""A receipt as a PDF (fpdf2, pure Python), drawn from the stored, immutable row.

Nothing is stored: the PDF is drawn each time from the same row, so it always
says what the record says (pseudonymised after an erasure).
"""

from __future__ import annotations

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from fpdf import FPDF

from .models import Receipt


def _latin(text: str) -> str:
    # The PDF core fonts know Latin-1 only; other characters are shown as "?".
    return text.encode("latin-1", "replace").decode("latin-1")


def lines(receipt: Receipt) -> list[tuple[str, str]]:
    """The receipt's rows (label, value) in the active language: HTML and PDF share them."""
    paid = timezone.localtime(receipt.paid_at)
    issued = timezone.localtime(receipt.issued_at)
    return [
        (_("Receipt number"), receipt.number),
        (_("Issued on"), issued.strftime("%Y-%m-%d %H:%M")),
        (_("Sold by"), settings.PETITE_CONTROLLER_NAME),
        (_("Buyer"), receipt.buyer_name),
        (_("Buyer's e-mail address"), receipt.buyer_email),
        (_("Order"), receipt.order_reference),
        (_("Item"), receipt.item_name),
        (_("Amount paid"), receipt.amount),
        (_("Paid on"), paid.strftime("%Y-%m-%d %H:%M")),
        (_("Paid with"), receipt.provider.capitalize()),
        (_("Processor's reference"), receipt.provider_reference),
    ]


def render_pdf(receipt: Receipt, *, language: str | None = None) -> bytes:
    with translation.override(language or receipt.language or settings.LANGUAGE_CODE):
        pdf = FPDF(format="A4")
        pdf.set_title(_latin(_("Receipt %(number)s") % {"number": receipt.number}))
        pdf.set_creator("Petite")
        pdf.add_page()
        pdf.set_font("Helvetica", "B", 18)
        pdf.cell(0, 12, _latin(_("Receipt %(number)s") % {"number": receipt.number}))
        pdf.ln(16)
        pdf.set_font("Helvetica", size=11)
        for label, value in lines(receipt):
            pdf.set_font("Helvetica", "B", 11)
            pdf.cell(60, 8, _latin(str(label)))
            pdf.set_font("Helvetica", size=11)
            pdf.cell(0, 8, _latin(str(value)))
            pdf.ln(8)
        refunds = list(receipt.refunds.filter(status="succeeded").order_by("created_at"))
        if refunds:
            pdf.ln(6)
            pdf.set_font("Helvetica", "B", 12)
            pdf.cell(0, 8, _latin(_("Refunds")))
            pdf.ln(8)
            pdf.set_font("Helvetica", size=11)
            for refund in refunds:
                when = timezone.localtime(refund.created_at).strftime("%Y-%m-%d")
                pdf.cell(0, 8, _latin(f"{when}  -{refund.amount}"))
                pdf.ln(8)
        pdf.ln(10)
        pdf.set_font("Helvetica", size=9)
        pdf.multi_cell(
            0,
            5,
            _latin(
                _(
                    "This receipt is an accounting record: it is kept for 10 years, as the "
                    "law requires, even if you delete your account."
                )
            ),
        )
        return bytes(pdf.output())
