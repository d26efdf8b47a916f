from typing import Any

from django.conf import settings
from django.http import HttpRequest

from . import navigation


def platform(request: HttpRequest) -> dict[str, Any]:
    return {
        "PETITE_TEAM_EMAIL": settings.PETITE_TEAM_EMAIL,
        "PETITE_PRIVACY_EMAIL": settings.PETITE_PRIVACY_EMAIL,
        "PETITE_CONTROLLER_NAME": settings.PETITE_CONTROLLER_NAME,
        "PETITE_SITE_NAME": settings.PETITE_SITE_NAME,
        "PETITE_SITE_URL": settings.SITE_URL,
    }


def settings_navigation(request: HttpRequest) -> dict[str, Any]:
    """The settings area's navigation, on the pages apps declared as settings pages.

    Only for a signed-in member: a visitor may open some of them (cookie choices)
    without having settings.
    """
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not navigation.is_settings_page(request):
        return {"settings_navigation": None}
    return {"settings_navigation": navigation.settings_pages(request)}
