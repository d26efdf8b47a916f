"""The contact form: for visitors and members, and for browsers that refuse every cookie.

The view is exempt from Django's CSRF check, which needs a cookie, and checks the
request's origin instead (see :func:`petite.core.origin.same_origin`). It
never touches the session, the messages framework or the CSRF token, so a visitor's
page sets no cookie at all.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from petite.accounts.models import Member
from petite.accounts.network import client_ip
from petite.core import origin

from . import actions, protection
from .forms import ContactForm


def _signed_in_member(request: HttpRequest) -> Member | None:
    user = request.user
    return user if isinstance(user, Member) and user.is_authenticated else None


@csrf_exempt  # protected by the origin check below, which needs no cookie
@require_http_methods(["GET", "HEAD", "POST"])
def contact(request: HttpRequest) -> HttpResponse:
    member = _signed_in_member(request)
    if request.method != "POST":
        initial = {"name": member.get_full_name(), "email": member.email} if member else {}
        return render(request, "contact/form.html", {"form": ContactForm(initial=initial)})

    if not origin.same_origin(request):
        return render(request, "contact/refused.html", status=403)
    form = ContactForm(request.POST)
    if form.is_spam_trap_filled():
        # Look exactly like a success, so the bot learns nothing.
        return redirect("contact:thanks")
    if not form.is_valid():
        return render(request, "contact/form.html", {"form": form})
    if not protection.consume(ip=client_ip(request), email=form.cleaned_data["email"]):
        form.add_error(
            None,
            _(
                "You have sent several messages in a short time. Please wait a few minutes "
                "and try again, or write to us by e-mail."
            ),
        )
        return render(request, "contact/form.html", {"form": form}, status=429)
    actions.submit_contact_message(
        name=form.cleaned_data["name"],
        email=form.cleaned_data["email"],
        subject=form.cleaned_data["subject"],
        message=form.cleaned_data["message"],
        language=get_language() or "",
        member=member,
    )
    return redirect("contact:thanks")


@require_http_methods(["GET", "HEAD"])
def thanks(request: HttpRequest) -> HttpResponse:
    return render(request, "contact/thanks.html")
