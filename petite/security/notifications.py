"""The e-mails of the security app: the sign-in alert, the Art. 34 notice to an
affected member, and the privacy team's messages (new incident, 72-hour warnings,
quarantined file). Plain text and HTML, in the member's language, in our words."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from petite.accounts.models import Member
from petite.privacy.categories import CATEGORIES

from . import tokens
from .models import AffectedMember, Incident, IncidentNotice, SecurityEvent, SignInAlert


def member_language(member: Member) -> str:
    available = {code for code, _name in settings.LANGUAGES}
    language = (member.language or "").split("-")[0].lower()
    return language if language in available else settings.LANGUAGE_CODE


def absolute(path: str) -> str:
    return str(settings.SITE_URL) + path


def _moment(value: object) -> str:
    moment = timezone.localtime(value)  # type: ignore[arg-type]
    return _("%(date)s at %(time)s") % {
        "date": formats.date_format(moment, "DATE_FORMAT"),
        "time": formats.time_format(moment, "TIME_FORMAT"),
    }


def _message(
    *, to: list[str], subject: str, template: str, context: dict[str, object]
) -> EmailMultiAlternatives:
    text = render_to_string(f"security/email/{template}.txt", context)
    html = render_to_string(f"security/email/{template}.html", context)
    message = EmailMultiAlternatives(subject=subject, body=text, to=to)
    message.attach_alternative(html, "text/html")
    return message


def sign_in_alert(alert: SignInAlert) -> EmailMultiAlternatives:
    member = alert.member
    with translation.override(member_language(member)):
        context = {
            "name": member.first_name,
            "when": _moment(alert.created_at),
            "place": alert.place or _("unknown"),
            "device": alert.device or _("Unknown device"),
            "reasons": alert.reason_labels(),
            "second_factor": "second_factor" in alert.reasons,
            "wasnt_me_url": absolute(reverse("security:wasnt_me", args=[tokens.make(alert.pk)])),
            "days": tokens.max_age_seconds() // 86400,
        }
        return _message(
            to=[member.email],
            subject=_("Unusual sign-in to your Petite account"),
            template="sign_in_alert",
            context=context,
        )


def incident_notice(notice: IncidentNotice) -> EmailMultiAlternatives | None:
    """Art. 34: what happened, which categories of THIS member's data, what we did,
    what to do. None when the member can no longer be e-mailed."""
    member = notice.member
    if not member.is_active or not member.email:
        return None
    incident = notice.incident
    affected = AffectedMember.objects.filter(incident=incident, member=member).first()
    keys = affected.categories if affected else []
    with translation.override(member_language(member)):
        context = {
            "name": member.first_name,
            "reference": incident.reference,
            "when": _moment(incident.aware_at),
            "categories": [
                {"name": str(CATEGORIES[k].name), "description": str(CATEGORIES[k].description)}
                for k in keys
                if k in CATEGORIES
            ],
            "confidentiality": incident.confidentiality,
            "integrity": incident.integrity,
            "availability": incident.availability,
            "consequences": incident.consequences,
            "measures": incident.measures_taken,
            "advice": incident.advice,
            "contact": settings.PETITE_PRIVACY_EMAIL,
            "incidents_url": absolute(reverse("security:incidents")),
        }
        return _message(
            to=[member.email],
            subject=_("A security incident involved your data"),
            template="incident_notice",
            context=context,
        )


def _team(template: str, subject: str, context: dict[str, object]) -> EmailMultiAlternatives:
    with translation.override(settings.LANGUAGE_CODE):
        return _message(
            to=[str(settings.PETITE_PRIVACY_EMAIL)],
            subject=subject,
            template=template,
            context=context,
        )


def new_incident(incident: Incident) -> EmailMultiAlternatives:
    return _team(
        "staff_new_incident",
        f"[Petite] Security incident {incident.reference}: 72-hour deadline "
        f"{timezone.localtime(incident.deadline):%Y-%m-%d %H:%M}",
        {"incident": incident, "deadline": timezone.localtime(incident.deadline)},
    )


def deadline_warnings(warnings: list[tuple[Incident, int]]) -> EmailMultiAlternatives:
    rows = [
        {
            "incident": incident,
            "hours": hours,
            "left": 72 - hours,
            "deadline": timezone.localtime(incident.deadline),
        }
        for incident, hours in warnings
    ]
    return _team(
        "staff_deadline_warnings",
        f"[Petite] {len(rows)} incident(s) not yet notified to the authority",
        {"rows": rows},
    )


def quarantined(event: SecurityEvent) -> EmailMultiAlternatives:
    return _team(
        "staff_quarantine",
        f"[Petite] A stored file was quarantined ({event.source})",
        {"event": event},
    )
