"""Addresses for machines (no language prefix), mounted at the site root."""

from django.urls import URLPattern, URLResolver

urlpatterns: list[URLPattern | URLResolver] = []
