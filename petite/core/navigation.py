"""The settings area's navigation, declared by the apps that own each page.

An app adds its settings page from its ``AppConfig.ready()``::

    navigation.settings_page(
        section=navigation.PRIVACY, label=_("Your ad profile"),
        url_name="ads:profile", order=40,
    )

The settings layout renders :func:`settings_pages` grouped by section, marks the
current page, and hides pages whose ``shown`` callable says no for this request.
No template is edited to add a page.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Section:
    key: str
    label: Promise
    order: int


PROFILE = Section("profile", _("Profile"), 10)
SECURITY = Section("security", _("Sign-in and security"), 20)
PRIVACY = Section("privacy", _("Privacy"), 30)
EMAILS = Section("emails", _("E-mails"), 40)
HELP = Section("help", _("Help"), 50)
CLOSING = Section("closing", _("Delete account"), 90)
SECTIONS = (PROFILE, SECURITY, PRIVACY, EMAILS, HELP, CLOSING)


@dataclass(frozen=True)
class SettingsPage:
    section: Section
    label: Promise | str
    url_name: str
    order: int = 50
    # Extra URL names that belong to this entry (sub-pages), so it is marked current there.
    also: tuple[str, ...] = ()
    shown: Callable[[HttpRequest], bool] | None = None

    @property
    def url(self) -> str:
        return reverse(self.url_name)


_pages: dict[str, SettingsPage] = {}


def settings_page(
    *,
    section: Section,
    label: Promise | str,
    url_name: str,
    order: int = 50,
    also: tuple[str, ...] = (),
    shown: Callable[[HttpRequest], bool] | None = None,
) -> SettingsPage:
    page = SettingsPage(section, label, url_name, order, also, shown)
    _pages[url_name] = page
    return page


def settings_pages(request: HttpRequest) -> list[dict[str, Any]]:
    """The navigation for this request: sections in order, each with its visible pages."""
    current = getattr(getattr(request, "resolver_match", None), "view_name", None)
    grouped: list[dict[str, Any]] = []
    for section in sorted(SECTIONS, key=lambda s: s.order):
        pages = [
            {
                "label": page.label,
                "url": page.url,
                "current": current in (page.url_name, *page.also),
            }
            for page in sorted(_pages.values(), key=lambda p: (p.order, str(p.label)))
            if page.section is section and (page.shown is None or page.shown(request))
        ]
        if pages:
            grouped.append({"section": section, "pages": pages})
    return grouped


def is_settings_page(request: HttpRequest) -> bool:
    current = getattr(getattr(request, "resolver_match", None), "view_name", None)
    return any(current in (p.url_name, *p.also) for p in _pages.values())
