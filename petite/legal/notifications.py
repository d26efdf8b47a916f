"""The e-mails of the legal app: a member told that an authority received their data,
a member told about a transfer, and the team reminded of a non-disclosure review."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from petite.accounts.models import Member
from petite.privacy.categories import CATEGORIES

from .models import AuthorityNotice, AuthorityRequest, Transfer, TransferNotice


def member_language(member: Member) -> str:
    available = {code for code, _name in settings.LANGUAGES}
    language = (member.language or "").split("-")[0].lower()
    return language if language in available else settings.LANGUAGE_CODE


def may_email(member: Member) -> bool:
    # Never a closing or deactivated account (U2), as every platform notice.
    return bool(member.email) and member.is_active and not member.is_closing


def absolute(path: str) -> str:
    return settings.SITE_URL + path


def _category_names(keys: list[str]) -> list[str]:
    return [str(CATEGORIES[key].name) for key in keys if key in CATEGORIES]


def _message(
    member: Member, subject: str, template: str, context: dict[str, object]
) -> EmailMessage:
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string(f"legal/email/{template}.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[member.email],
        headers={"Auto-Submitted": "auto-generated"},
    )
    message.attach_alternative(
        render_to_string(f"legal/email/{template}.html", context), "text/html"
    )
    return message


def authority_notice(notice: AuthorityNotice) -> EmailMessage | None:
    member = notice.member
    if not may_email(member):
        return None
    request: AuthorityRequest = notice.request
    with translation.override(member_language(member)):
        context = {
            "member": member,
            "authority": request.requester,
            "country": request.country,
            "received_on": request.received_on,
            "categories": _category_names(list(request.decided_categories)),
            "since": request.decided_since,
            "until": request.decided_until,
            "your_data_url": absolute(reverse("rights:index")),
            "privacy_email": settings.PETITE_PRIVACY_EMAIL,
        }
        return _message(
            member,
            _("[Petite] An authority received some of your data"),
            "authority_notice",
            context,
        )


def transfer_notice(notice: TransferNotice) -> EmailMessage | None:
    member = notice.member
    if not may_email(member):
        return None
    transfer: Transfer = notice.transfer
    with translation.override(member_language(member)):
        context = {
            "member": member,
            "transfer": transfer,
            "kind": transfer.get_kind_display(),
            "categories": _category_names(list(transfer.categories)),
            "transfer_url": absolute(reverse("legal:transfer", args=[transfer.pk])),
            "delete_url": absolute(reverse("accounts:delete")),
            "privacy_email": settings.PETITE_PRIVACY_EMAIL,
        }
        return _message(
            member,
            _("[Petite] Your data may be transferred to %(recipient)s")
            % {"recipient": transfer.recipient},
            "transfer_notice",
            context,
        )


def gag_review_reminder(request: AuthorityRequest) -> EmailMessage:
    # For the team, in the platform's language: it names no member.
    with translation.override(settings.LANGUAGE_CODE):
        return EmailMessage(
            subject=_("[Petite] A non-disclosure order comes up for review"),
            body=render_to_string(
                "legal/email/gag_review.txt",
                {
                    "request": request,
                    "url": absolute(
                        reverse("admin:legal_authorityrequest_change", args=[request.pk])
                    ),
                },
            ),
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[settings.PETITE_TEAM_EMAIL],
        )
