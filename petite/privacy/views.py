"""The published privacy texts: the public notice and the staff-only processing register."""

from __future__ import annotations

from django.contrib.admin.views.decorators import staff_member_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from .notice import render_notice
from .ropa import render_register


def notice(request: HttpRequest) -> HttpResponse:
    # render_notice escapes every piece of text it assembles.
    body = mark_safe(render_notice(get_language(), format="html"))  # noqa: S308
    return render(request, "privacy/notice.html", {"body": body})


@staff_member_required
def register(request: HttpRequest) -> HttpResponse:
    body = mark_safe(render_register(get_language(), format="html"))  # noqa: S308
    return render(request, "privacy/register.html", {"body": body})


# A back-office page outside the admin site: the staff two-factor requirement
# (SEC1) must cover it too. The guard reads this flag, so privacy needs to know
# nothing about how two-factor authentication is enforced.
register.back_office = True  # type: ignore[attr-defined]
