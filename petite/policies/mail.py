"""The e-mails of policy versions: the notice to each member (E3, E4) and the
reports to the team."""

from __future__ import annotations

import copy
import email.message
import email.policy
from dataclasses import dataclass, field
from email.policy import Policy
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from petite.accounts.models import Member
from petite.accounts.selectors import can_email

from . import selectors
from .models import PolicyNotice, PolicyVersion


def member_language(member: Member) -> str:
    available = {code for code, _name in settings.LANGUAGES}
    language = (member.language or "").split("-")[0].lower()
    return language if language in available else settings.LANGUAGE_CODE


def absolute(path: str) -> str:
    return settings.SITE_URL + path


def diff_path(version: PolicyVersion) -> str:
    """The page showing what changes from the previous version (or the version itself)."""
    previous = selectors.previous(version)
    if previous is None or previous.number is None or version.number is None:
        return reverse("policies:version", args=[version.number])
    query = urlencode({"old": previous.number, "new": version.number})
    return f"{reverse('policies:diff')}?{query}"


def effective_date(version: PolicyVersion) -> str:
    """The effective date in the active language ("1 June 2026 at 00:00")."""
    assert version.effective_at is not None
    moment = timezone.localtime(version.effective_at)
    return _("%(date)s at %(time)s") % {
        "date": formats.date_format(moment, "DATE_FORMAT"),
        "time": formats.time_format(moment, "TIME_FORMAT"),
    }


@dataclass(frozen=True)
class _Rendered:
    subject: str
    text: str
    html: str
    # MIME forms of this language's notice, one per mailer policy (see NoticeEmail).
    templates: _Templates = field(default_factory=lambda: _Templates())


# Stand-ins for the two headers that differ from one member to the next.
_PLACEHOLDER_TO = "member" + "@" + "placeholder.invalid"
_PLACEHOLDER_ID = "<notice" + "@" + "placeholder.invalid>"


class _Templates:
    """Built MIME messages and their bytes, shared by the messages of one language.

    Shared on purpose, even by the copies the test mailer keeps (``__deepcopy__``)."""

    def __init__(self) -> None:
        self.by_policy: dict[Policy[Any], tuple[email.message.EmailMessage, bytes]] = {}

    def __deepcopy__(self, memo: dict[int, object]) -> _Templates:
        return self


class NoticeEmail(EmailMultiAlternatives):
    """One member's notice. Every notice in a language is the same MIME message but for
    its To and Message-ID headers, so the message is built and flattened once per
    language and mailer policy, and each member's copy only swaps those two headers:
    building a MIME message from scratch costs milliseconds, more than sending it."""

    def __init__(self, *args: Any, templates: _Templates, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._templates = templates

    def message(
        self, *, policy: Policy[Any] | None = email.policy.default
    ) -> email.message.EmailMessage:
        policy = policy or email.policy.default
        if not all(address.isascii() for address in self.to):
            # An internationalised address needs Django's IDNA encoding: the long way.
            return super().message(policy=policy)
        built = self._templates.by_policy.get(policy)
        if built is None:
            prototype = copy.copy(self)
            prototype.to = [_PLACEHOLDER_TO]
            prototype.extra_headers = {**self.extra_headers, "Message-ID": _PLACEHOLDER_ID}
            template = EmailMultiAlternatives.message(prototype, policy=policy)
            built = self._templates.by_policy[policy] = (template, template.as_bytes())
        return _Personalised(built, self, policy)


class _Personalised(email.message.EmailMessage):
    """A template message with this member's To and Message-ID: a full message object
    (headers, parts, charset), whose ``as_bytes`` swaps two lines of the template's bytes.

    Both values are plain ASCII here (``NoticeEmail.message`` sends anything else the
    long way), so the lines are written as they are: setting them as headers would run
    the email package's header parser, which costs more than sending the message."""

    def __init__(
        self,
        built: tuple[email.message.EmailMessage, bytes],
        notice: NoticeEmail,
        policy: Policy[Any],
    ) -> None:
        template, self._template_bytes = built
        super().__init__(policy=policy)
        self.__dict__.update({k: v for k, v in template.__dict__.items() if k != "_headers"})
        self._headers = list(template._headers)  # type: ignore[attr-defined]
        self._lines = {
            "To": ", ".join(notice.to),
            "Message-ID": str(notice.extra_headers.get("Message-ID") or _PLACEHOLDER_ID),
        }

    def __getitem__(self, name: str) -> Any:
        for header, value in self._lines.items():
            if name.lower() == header.lower():
                return value
        return super().__getitem__(name)

    def as_bytes(self, unixfrom: bool = False, policy: Policy[Any] | None = None) -> bytes:
        policy = policy or self.policy
        if (
            unixfrom
            or policy is not self.policy
            or any(
                len(name) + len(value) + 2 > policy.max_line_length  # type: ignore[operator]
                for name, value in self._lines.items()
            )
        ):
            return self._slow_bytes(unixfrom, policy)
        linesep = policy.linesep.encode()
        text = self._template_bytes
        for (name, value), placeholder in zip(
            self._lines.items(), (_PLACEHOLDER_TO, _PLACEHOLDER_ID), strict=True
        ):
            old = f"{name}: {placeholder}".encode() + linesep
            if old not in text:  # never send the placeholder: build it the long way
                return self._slow_bytes(unixfrom, policy)
            text = text.replace(old, f"{name}: {value}".encode() + linesep, 1)
        return text

    def _slow_bytes(self, unixfrom: bool, policy: Policy[Any]) -> bytes:
        for name, value in self._lines.items():
            self.replace_header(name, value)
        return super().as_bytes(unixfrom, policy)


class NoticeMail:
    """Builds each member's notice for one version. The message is the same for every
    member who reads the same language, so it is rendered once per language."""

    def __init__(self, version: PolicyVersion) -> None:
        self.version = version
        self._rendered: dict[str, _Rendered] = {}

    def build(self, notice: PolicyNotice) -> EmailMessage | None:
        member = notice.member
        if not can_email(member):
            return None  # closed or closing since the campaign was planned: skipped
        rendered = self.rendered(member_language(member))
        message = NoticeEmail(
            templates=rendered.templates,
            subject=rendered.subject,
            body=rendered.text,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[member.email],
            reply_to=[settings.PETITE_PRIVACY_EMAIL],
            headers={"Auto-Submitted": "auto-generated"},
        )
        message.attach_alternative(rendered.html, "text/html")
        return message

    def rendered(self, language: str) -> _Rendered:
        if language not in self._rendered:
            self._rendered[language] = self._render(language)
        return self._rendered[language]

    def _render(self, language: str) -> _Rendered:
        version = self.version
        with translation.override(language):
            context = {
                "version": version,
                "summary": version.summary(language),
                "effective": effective_date(version),
                "diff_url": absolute(diff_path(version)),
                "version_url": absolute(reverse("policies:version", args=[version.number])),
                "delete_url": absolute(reverse("accounts:delete")),
                "notice_days": settings.PETITE_POLICY_NOTICE_DAYS,
            }
            subject = _("[Petite] Our privacy notice changes on %(date)s") % {
                "date": formats.date_format(timezone.localtime(version.effective_at), "DATE_FORMAT")
            }
            return _Rendered(
                subject=subject,
                text=render_to_string("policies/email/notice.txt", context),
                html=render_to_string("policies/email/notice.html", context),
            )


# --- To the team ----------------------------------------------------------------------------


def team_message(version: PolicyVersion, event: str) -> EmailMessage:
    """What happened to a version's campaign, for PETITE_TEAM_EMAIL, in the platform's
    language: the effective date moved, or the campaign ended (with its failures)."""
    with translation.override(settings.LANGUAGE_CODE):
        progress = selectors.campaign_progress(version)
        context = {
            "version": version,
            "event": event,
            "progress": progress,
            "effective": effective_date(version),
            "planned": (
                formats.date_format(timezone.localtime(version.planned_effective_at), "DATE_FORMAT")
                if version.planned_effective_at
                else ""
            ),
            "link": absolute(reverse("admin:policies_policyversion_change", args=[version.pk])),
            "notice_days": settings.PETITE_POLICY_NOTICE_DAYS,
        }
        if event == "finished":
            subject = _(
                "[Petite] Notices of policy version %(number)s: %(sent)d sent, %(failed)d failed"
            )
            subject %= {"number": version.number, "sent": progress.sent, "failed": progress.failed}
        else:
            subject = _("[Petite] Policy version %(number)s now takes effect on %(date)s")
            subject %= {"number": version.number, "date": context["effective"]}
        return EmailMessage(
            subject=subject,
            body=render_to_string("policies/email/team.txt", context),
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[settings.PETITE_TEAM_EMAIL],
        )
