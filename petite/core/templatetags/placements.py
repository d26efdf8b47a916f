"""``{% placement "home" page="home" %}``: see petite.core.placements."""

from __future__ import annotations

from django import template
from django.template.context import Context
from django.utils.safestring import SafeString

from petite.core import placements

register = template.Library()


@register.simple_tag(takes_context=True)
def placement(context: Context, place: str, page: str = "") -> SafeString:
    return placements.render(context.get("request"), place, str(page))
