"""E-mails about a contact message, sent by the task worker after the message is stored.

Two tasks, so that a failure to reach one recipient does not stop the other.
"""

from __future__ import annotations

from email.utils import formataddr

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.tasks import task
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from petite.privacy.purposes import P6

from .models import ContactMessage


@task
def notify_team(message_id: int) -> None:
    """The message, to the team's inbox; replying answers the sender directly."""
    contact_message = ContactMessage.objects.filter(pk=message_id).first()
    if contact_message is None:  # erased before the worker ran: nothing to send
        return
    with translation.override(settings.LANGUAGE_CODE):
        link = settings.SITE_URL + reverse(
            "admin:contact_contactmessage_change", args=[contact_message.pk]
        )
        context = {"contact_message": contact_message, "link": link}
        email = EmailMultiAlternatives(
            subject=_("[Petite] Contact: %(subject)s") % {"subject": contact_message.subject},
            body=render_to_string("contact/email/team.txt", context),
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[settings.PETITE_TEAM_EMAIL],
            reply_to=[formataddr((contact_message.name, contact_message.email))],
        )
    email.send()


@task
def confirm_to_sender(message_id: int) -> None:
    """A short acknowledgement in the sender's language.

    It repeats the name and subject but not the message: the form would
    otherwise let anyone send text of their choosing to any address.
    """
    contact_message = ContactMessage.objects.filter(pk=message_id).first()
    if contact_message is None:
        return
    with translation.override(contact_message.language or settings.LANGUAGE_CODE):
        context = {"contact_message": contact_message, "retention": P6.retention.text}
        email = EmailMultiAlternatives(
            subject=_("[Petite] We received your message"),
            body=render_to_string("contact/email/confirmation.txt", context),
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[contact_message.email],
            reply_to=[settings.PETITE_TEAM_EMAIL],
        )
        email.attach_alternative(
            render_to_string("contact/email/confirmation.html", context), "text/html"
        )
    email.send()
