"""Reads of the help desk."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404

from petite.accounts.models import Member

from .models import Attachment, HelpMessage, HelpRequest


def requests_of(member: Member) -> QuerySet[HelpRequest]:
    """The member's requests: opened signed in, or by e-mail from their address."""
    return HelpRequest.objects.filter(Q(member=member) | Q(requester_email__iexact=member.email))


def request_of(member: Member, number: int) -> HelpRequest:
    found = requests_of(member).filter(pk=number).first()
    if found is None:
        raise Http404
    return found


def thread_for_requester(request: HelpRequest) -> QuerySet[HelpMessage]:
    """What the requester sees: never an internal note."""
    return request.messages.filter(internal=False).prefetch_related("attachments")


def attachment_of(member: Member, pk: int) -> Attachment:
    found = (
        Attachment.objects.select_related("message__request")
        .filter(pk=pk, message__internal=False)
        .filter(
            Q(message__request__member=member)
            | Q(message__request__requester_email__iexact=member.email)
        )
        .first()
    )
    if found is None:
        raise Http404
    return found


def queue() -> QuerySet[HelpRequest]:
    """The staff queue: what is not finished, oldest first."""
    return HelpRequest.objects.exclude(
        status__in=[HelpRequest.Status.SOLVED, HelpRequest.Status.CLOSED]
    ).order_by("created_at")
