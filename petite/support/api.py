"""The staff JSON interface to one help request (for tools of the help desk's provider).

Session-authenticated staff only; each field is included only if the caller's role
or provider may see its category (the same rule as the back-office), fields it may
only reveal are named in ``hidden``, and every call is written to the access log.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_GET

from petite.privacy import access

from .models import HelpMessage, HelpRequest

REQUEST_FIELDS = ("requester_name", "requester_email", "subject", "status", "created_at")


def _value(value: Any) -> Any:
    return value.isoformat() if hasattr(value, "isoformat") else value


@require_GET
def help_request(request: HttpRequest, number: int) -> JsonResponse:
    user = request.user
    if not user.is_authenticated:
        return JsonResponse({"detail": "Sign in first."}, status=401)
    viewer = access.viewer_for(user)
    if (
        not user.is_staff
        or not user.has_perm("support.view_helprequest")
        or not viewer.serves(["P6"])
    ):
        return JsonResponse({"detail": "Not allowed."}, status=403)
    found = HelpRequest.objects.filter(pk=number).first()
    if found is None:
        return JsonResponse({"detail": "Not found."}, status=404)
    data: dict[str, Any] = {"number": found.pk}
    hidden = []
    seen = set()
    for name in REQUEST_FIELDS:
        category = access.field_category(HelpRequest, name)
        if viewer.may_see(category):
            data[name] = _value(getattr(found, name))
            if category:
                seen.add(category)
        elif viewer.may_reveal(category):
            hidden.append(name)
    if viewer.may_see(access.field_category(HelpMessage, "body")):
        data["messages"] = [
            {
                "from_requester": m.from_requester,
                "internal": m.internal,
                "body": m.body,
                "at": _value(m.created_at),
            }
            for m in found.messages.all()
        ]
        seen.add("help_requests")
    data["hidden"] = hidden
    if found.member_id:
        access.record_access(
            viewer, found.member_id, seen, {"kind": "help_request", "reference": found.reference}
        )
    return JsonResponse(data)
