"""'Who looked at your data': the member's side of the staff access log (S4, SEC1)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from petite.core.http import signed_in_member

from . import access, roles
from .categories import CATEGORIES


def who(record: access.AccessRecord) -> str:
    role = roles.ROLES.get(record.role)
    if role is not None:
        role_name = str(role.name)
    elif record.role == "superuser":
        role_name = _("administrator")
    else:
        role_name = _("member of staff")
    if record.provider_name:
        return _("A %(role)s of %(provider)s") % {
            "role": role_name,
            "provider": record.provider_name,
        }
    return _("A %(role)s of the Petite team") % {"role": role_name}


def why(reason: dict[str, Any]) -> str:
    kind = reason.get("kind", "")
    reference = str(reason.get("reference", ""))
    sentences = {
        "help_request": _("to answer your help request %(ref)s"),
        "data_request": _("to handle your request about your data %(ref)s"),
        "reveal": _("after giving a reason: %(ref)s"),
        "case": _("for case %(ref)s"),
        "export": _("in an export of records"),
        "api": _("through the staff interface, for %(ref)s"),
    }
    sentence = sentences.get(kind, _("while looking through the back-office"))
    return sentence % {"ref": reference} if "%(ref)s" in sentence else sentence


def what(record: access.AccessRecord) -> str:
    names = [str(CATEGORIES[key].name).lower() for key in record.categories if key in CATEGORIES]
    return ", ".join(names)


def lines_for(member: Any) -> list[dict[str, Any]]:
    lines = []
    for record in access.visible_to_member(member).order_by("-hour")[:200]:
        lines.append(
            {
                "sentence": _("%(who)s read your %(what)s on %(date)s, %(why)s.")
                % {
                    "who": who(record),
                    "what": what(record),
                    "date": date_format(record.first_at, "j F Y"),
                    "why": "; ".join(why(r) for r in record.reasons) or why({}),
                },
                "revealed": record.revealed,
                "at": record.first_at,
            }
        )
    return lines


@login_required
def access_log(request: HttpRequest) -> HttpResponse:
    member = signed_in_member(request)
    return render(request, "privacy/access_log.html", {"lines": lines_for(member)})
