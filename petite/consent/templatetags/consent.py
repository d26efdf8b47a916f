"""Template tags of the consent app: the banner, consent-gated snippets, and the question.

``{% consent_banner %}`` renders the banner when this browser has no current
choice; ``{% consent_snippets %}`` renders the snippets registered with
:mod:`petite.consent.snippets` whose consent is given; ``{% consent_given "P7"
as allowed %}`` asks the privacy core from a template.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.http import HttpRequest
from django.template import Engine
from django.utils.safestring import SafeString, mark_safe

from petite.privacy import consent
from petite.privacy.purposes import PURPOSES

from .. import choices, cookies, snippets

register = template.Library()

# Pages where the banner would only repeat what the page itself says.
_NO_BANNER_VIEWS = {"consent:choose", "consent:save"}


def _request(context: template.Context) -> HttpRequest | None:
    request = context.get("request")
    return request if isinstance(request, HttpRequest) else None


@register.inclusion_tag("consent/_banner.html", takes_context=True)
def consent_banner(context: template.Context) -> dict[str, Any]:
    request = _request(context)
    if request is None or cookies.current(request) is not None:
        return {"show": False}
    match = getattr(request, "resolver_match", None)
    if match is not None and match.view_name in _NO_BANNER_VIEWS:
        return {"show": False}
    return {"show": True, "texts": choices.texts(), "next": request.get_full_path()}


@register.simple_tag(takes_context=True)
def consent_snippets(context: template.Context) -> SafeString:
    """Every registered snippet whose consent this request has given, in registration order."""
    request = _request(context)
    if request is None:
        return mark_safe("")
    parts: list[str] = []
    for consent_name, template_names in snippets.registered().items():
        purpose = next((p for p in PURPOSES.values() if p.consent == consent_name), None)
        if purpose is None or not consent.given(purpose, request=request):
            continue
        engine = context.template.engine if context.template is not None else Engine.get_default()
        for name in template_names:
            snippet = engine.get_template(name)
            with context.push():
                parts.append(snippet.render(context))
    return mark_safe("".join(parts))  # noqa: S308 (rendered templates, escaped by the engine)


@register.simple_tag(takes_context=True)
def consent_given(context: template.Context, purpose_id: str) -> bool:
    """Whether this request's visitor consents to ``purpose_id`` ("P2", "P7")."""
    request = _request(context)
    return request is not None and consent.given(purpose_id, request=request)
