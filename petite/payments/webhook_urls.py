"""Addresses for machines (no language prefix), mounted at the site root."""

from django.urls import URLPattern, URLResolver, path

from . import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("webhooks/stripe/", views.stripe_webhook, name="payments_stripe_webhook"),
    path("webhooks/paypal/", views.paypal_webhook, name="payments_paypal_webhook"),
]
