"""Template helpers shared by every page."""

from __future__ import annotations

from django import template
from django.urls import translate_url

register = template.Library()


@register.simple_tag(takes_context=True)
def translated_url(context: template.Context, language: str) -> str:
    """This page's address in another language: a plain link, no cookie or script needed."""
    request = context.get("request")
    if request is None:
        return "/"
    return translate_url(request.get_full_path(), language)
