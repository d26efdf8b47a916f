"""The e-mails the help desk sends: in the requester's language, plain text and HTML,
with the request's signed reply address so that answering by e-mail joins the thread.
Internal notes are never e-mailed: only answers reach here."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from .addresses import reply_address
from .models import HelpMessage, HelpRequest


def _send(
    request: HelpRequest, template: str, subject: Callable[[], str], context: dict[str, object]
) -> None:
    language = request.language if request.language in ("en", "fr") else "en"
    with translation.override(language):
        context = {"request": request, "reference": request.reference, **context}
        text = render_to_string(f"support/email/{template}.txt", context)
        html = render_to_string(f"support/email/{template}.html", context)
        mail = EmailMultiAlternatives(
            subject=subject() % {"reference": request.reference, "subject": request.subject},
            body=text,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[request.requester_email],
            reply_to=[reply_address(request.pk)],
        )
        mail.attach_alternative(html, "text/html")
        mail.send()


def send_acknowledgement(request: HelpRequest) -> None:
    _send(
        request,
        "acknowledgement",
        lambda: _("Your help request %(reference)s: %(subject)s"),
        {},
    )


def send_answer(message: HelpMessage) -> None:
    if message.internal or message.from_requester:
        return
    _send(
        message.request,
        "answer",
        lambda: _("Re: your help request %(reference)s: %(subject)s"),
        {"message": message},
    )
