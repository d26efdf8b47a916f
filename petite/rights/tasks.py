"""Background work of the members' rights app: building archives, telling the member, expiry."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMessage
from django.tasks import task
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from petite.accounts.selectors import can_email
from petite.core import schedule

from . import actions
from .models import DataExport


@task
def build_export(export_id: str) -> str:
    """Build one archive; enqueued again as it is if its worker died."""
    export = actions.build_export(export_id=export_id)
    return export.status if export is not None else "superseded"


@task
def send_export_ready(export_id: str) -> None:
    """Tell the member, in their language, that their archive can be downloaded."""
    export = (
        DataExport.objects.select_related("member")
        .filter(pk=export_id, status=DataExport.Status.READY)
        .first()
    )
    if export is None:  # expired or erased before the worker ran
        return
    member = export.member
    if not can_email(member):  # a closing or deactivated account receives no more e-mail
        return
    with translation.override(member.language or settings.LANGUAGE_CODE):
        link = settings.SITE_URL + reverse("rights:export", args=[export.pk])
        body = render_to_string(
            "rights/email/export_ready.txt",
            {"member": member, "export": export, "link": link},
        )
        subject = _("[Petite] A copy of your data is ready")
    EmailMessage(
        subject=subject,
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[member.email],
        reply_to=[settings.PETITE_PRIVACY_EMAIL],
    ).send()


@schedule.every(timedelta(hours=1))
@task
def expire_exports() -> dict[str, int]:
    """Delete expired archives, sweep files no export claims, restart stalled builds."""
    return {
        "expired": actions.expire_exports(),
        "orphans": actions.remove_orphan_files(),
        "restarted": actions.restart_stalled_exports(),
    }
