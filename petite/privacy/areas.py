"""The areas of "Your data": how a member thinks of what we hold, one card each.

Every declaration names its area (``area = areas.MESSAGES`` in its ``class Privacy``)
with a member-facing ``label`` and ``description``; the dashboard, the export, the
notice and the delete page read the same words.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Area:
    key: str
    label: Promise
    order: int


ACCOUNT = Area("account", _("Your account"), 10)
SIGNINS = Area("sign-ins", _("Sign-ins and security"), 20)
PORTRAIT = Area("portrait", _("Your Portrait"), 30)
MESSAGES = Area("messages", _("Messages"), 40)
COMMENTS = Area("comments", _("Comments"), 50)
ORDERS = Area("orders", _("Orders and payments"), 60)
EMAILS = Area("emails", _("E-mails from us"), 70)
APPS = Area("apps", _("Authorised apps"), 80)
REQUESTS = Area("requests", _("Your requests and messages to us"), 90)
CHOICES = Area("choices", _("Your privacy choices"), 100)
RECORDS = Area("records", _("Records we keep"), 110)

AREAS: dict[str, Area] = {
    a.key: a
    for a in (
        ACCOUNT,
        SIGNINS,
        PORTRAIT,
        MESSAGES,
        COMMENTS,
        ORDERS,
        EMAILS,
        APPS,
        REQUESTS,
        CHOICES,
        RECORDS,
    )
}
