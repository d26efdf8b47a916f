"""Consent: the one question code asks before processing data for a consent-based purpose.

Every purpose whose legal basis is consent names the consent it needs
(``Purpose.consent``: ``"audience"``, ``"ads"``, ``"marketing"``). The app that
records that consent provides the answer once, at start-up::

    consent.provide("ads", cookie_choice_allows_ads)

and code that processes data asks, every time, at the moment it processes::

    if consent.given(purposes.P7, request=request):
        ...

There is no default "yes": a consent nobody provides an answer for is refused,
so a purpose can never be processed because its consent app is missing. The
privacy core knows no app by name (DESIGN.md): apps bring their sources to it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

from django.http import HttpRequest

from .purposes import PURPOSES, LegalBasis, Purpose


class ConsentSource(Protocol):
    def __call__(
        self, *, request: HttpRequest | None, member: Any | None, topic: str | None
    ) -> bool: ...


_sources: dict[str, ConsentSource] = {}
_withdrawal_listeners: dict[str, list[Callable[..., Any]]] = {}


def provide(consent: str, source: ConsentSource | Callable[..., bool]) -> None:
    """Register the function that answers for ``consent`` (called from an AppConfig.ready)."""
    _sources[consent] = source


def consents() -> set[str]:
    """The consents some purpose needs."""
    return {p.consent for p in PURPOSES.values() if p.consent}


def given(
    purpose: Purpose | str,
    *,
    request: HttpRequest | None = None,
    member: Any | None = None,
    topic: str | None = None,
) -> bool:
    """Whether data may be processed for ``purpose`` now, for this request or member.

    ``request`` is enough on the web (the answering app finds the member or the
    visitor in it); tasks pass ``member``. ``topic`` narrows a consent given per
    topic (commercial e-mail). Asking about a purpose that is not based on consent
    is a programming error: it raises ``ValueError``.
    """
    if isinstance(purpose, str):
        purpose = PURPOSES[purpose]
    if purpose.legal_basis is not LegalBasis.CONSENT or not purpose.consent:
        raise ValueError(f"{purpose.id} is not based on consent.")
    source = _sources.get(purpose.consent)
    if source is None:
        return False
    if member is None and request is not None:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            member = user
    return bool(source(request=request, member=member, topic=topic))


def on_withdrawn(consent: str, listener: Callable[..., Any]) -> None:
    """Call ``listener(member=...)`` whenever a member withdraws or refuses ``consent``,
    so that what was kept under it goes at once (an app registers this from ready())."""
    listeners = _withdrawal_listeners.setdefault(consent, [])
    if listener not in listeners:
        listeners.append(listener)


def withdrawn(consent: str, *, member: Any) -> None:
    """Said by the app that records consents, in the transaction that records a refusal."""
    if member is None or getattr(member, "pk", None) is None:
        return
    for listener in _withdrawal_listeners.get(consent, []):
        listener(member=member)
