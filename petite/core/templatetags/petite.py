"""Template helpers shared by every page."""

from __future__ import annotations

from typing import Any

from django import template
from django.forms import BoundField
from django.urls import translate_url

register = template.Library()


@register.simple_tag(takes_context=True)
def translated_url(context: template.Context, language: str) -> str:
    """This page's address in another language: a plain link, no cookie or script needed."""
    request = context.get("request")
    if request is None:
        return "/"
    return translate_url(request.get_full_path(), language)


@register.filter
def bare_widget(field: BoundField) -> str:
    """A form field's widget without the placeholder a library put in it.

    Our pages give every field a visible label in our own words; a library's
    placeholder would repeat it in the library's words (and in Title Case).
    """
    attrs: dict[str, Any] = {"placeholder": False}
    return field.as_widget(attrs=attrs)
