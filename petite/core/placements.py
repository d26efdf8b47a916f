"""Places in a page where another app may show something: the home page, an article, an offer.

A template marks the place, naming it and describing the page in plain keys::

    {% load placements %}
    {% placement "article" page="article:travel" %}

An app renders into it by registering a renderer from its ``AppConfig.ready()``
(the ads app shows an advertisement there). Core knows no app: with no renderer
registered, or when a renderer has nothing to show, the place renders nothing and
the page works exactly as before.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest
from django.utils.safestring import SafeString, mark_safe

Renderer = Callable[[HttpRequest, str, str], str]

_renderers: list[Renderer] = []


def register(renderer: Renderer) -> Renderer:
    if renderer not in _renderers:
        _renderers.append(renderer)
    return renderer


_describers: dict[str, Callable[[str], str]] = {}


def describe_with(prefix: str, describer: Callable[[str], str]) -> None:
    """Say in words what a page context names: ``describe_with("article", fn)`` makes
    ``describe("article:travel")`` return ``fn("travel")``. The app that owns the pages
    registers it, so the words match what members see there."""
    _describers[prefix] = describer


def describe(context: str) -> str:
    prefix, _sep, rest = context.partition(":")
    describer = _describers.get(prefix)
    return describer(rest) if describer is not None else ""


def render(request: HttpRequest | None, place: str, context: str = "") -> SafeString:
    if request is None:
        return mark_safe("")
    # Each renderer returns HTML it rendered from its own templates (autoescaped).
    parts = [renderer(request, place, context) for renderer in _renderers]
    return mark_safe("".join(part for part in parts if part))  # noqa: S308
