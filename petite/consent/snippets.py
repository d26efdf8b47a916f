"""Template snippets that run only with consent (scripts, pixels, cookies of a feature).

A feature that needs a non-essential script or cookie (an audience tool, an ad
server) never writes it into a template directly: it registers the snippet
from its ``AppConfig.ready()``::

    snippets.register("ads", "ads/personalised_tag.html", cookies=["ad_id"])

and the banner include renders it on every page only when
``petite.privacy.consent.given()`` says yes for that consent. Before a choice,
after a refusal, after a withdrawal, or with Global Privacy Control for ads,
the snippet is simply not in the page; and the cookies it declares are deleted
from the browser when the consent is refused or withdrawn.
"""

from __future__ import annotations

from collections.abc import Iterable

from petite.privacy import consent

_snippets: dict[str, list[str]] = {}
_cookies: dict[str, set[str]] = {}


def register(consent_name: str, template_name: str, *, cookies: Iterable[str] = ()) -> None:
    """Render ``template_name`` on every page once ``consent_name`` is given; ``cookies``
    are the names of the cookies it sets, deleted when the consent is refused."""
    if consent_name not in consent.consents():
        raise ValueError(f"No purpose needs the consent {consent_name!r}.")
    names = _snippets.setdefault(consent_name, [])
    if template_name not in names:
        names.append(template_name)
    _cookies.setdefault(consent_name, set()).update(cookies)


def unregister(consent_name: str, template_name: str, *, cookies: Iterable[str] = ()) -> None:
    names = _snippets.get(consent_name, [])
    if template_name in names:
        names.remove(template_name)
    _cookies.get(consent_name, set()).difference_update(cookies)


def cookies_for(consent_name: str) -> set[str]:
    """The cookies set by the snippets of ``consent_name``: to delete when it is refused."""
    return set(_cookies.get(consent_name, ()))


def registered() -> dict[str, list[str]]:
    return {name: list(templates) for name, templates in _snippets.items() if templates}
