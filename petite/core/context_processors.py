from typing import Any

from django.conf import settings
from django.http import HttpRequest


def platform(request: HttpRequest) -> dict[str, Any]:
    return {
        "PETITE_TEAM_EMAIL": settings.PETITE_TEAM_EMAIL,
        "PETITE_PRIVACY_EMAIL": settings.PETITE_PRIVACY_EMAIL,
        "PETITE_CONTROLLER_NAME": settings.PETITE_CONTROLLER_NAME,
    }
