"""The policy banner of every page and the notice on the sign-up page (E3)."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils import timezone

from petite.accounts.models import Member

from .. import mail, selectors

register = template.Library()


@register.inclusion_tag("policies/includes/banner_content.html", takes_context=True)
def policy_banner(context: template.Context) -> dict[str, Any]:
    """For a signed-in member, the newest version they were notified of and have not
    acknowledged yet; nothing for visitors (and no query)."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if request is None or not isinstance(user, Member) or not user.is_authenticated:
        return {}
    version = selectors.to_acknowledge(user)
    if version is None:
        return {}
    return {
        "version": version,
        "in_force": version.is_effective(),
        "diff_path": mail.diff_path(version),
        "next": request.get_full_path(),
    }


@register.inclusion_tag("policies/includes/signup_content.html")
def policy_signup_notice() -> dict[str, Any]:
    """The version coming into force, shown to people who sign up during its notice
    period: they accept the current version now and the new one from its date."""
    coming = selectors.upcoming(timezone.now())
    if not coming:
        return {}
    version = coming[-1]
    return {
        "version": version,
        "current": selectors.current(),
        "diff_path": mail.diff_path(version),
    }
