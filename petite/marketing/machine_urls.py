"""Addresses for machines (no language prefix), mounted at the site root.

The unsubscribe link is opened by mail programs (RFC 8058 one-click POST) as well
as by people, and Mailgun posts delivery events to the tracking webhook; neither
knows our language prefixes.
"""

from django.urls import URLPattern, URLResolver, path

from petite.core.machine import machine_endpoint, mailgun_signature_block

from . import views

app_name = "marketing_machine"
urlpatterns: list[URLPattern | URLResolver] = [
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    # Give Mailgun this address for its "permanent failure", "complained" and
    # "unsubscribed" webhooks; the signature block's shape is checked before anymail
    # reads it, and anymail checks the signature before anything runs.
    path(
        "webhooks/mailgun/tracking/",
        machine_endpoint(views.TrackingWebhookView.as_view(), check=mailgun_signature_block),
        name="mailgun_tracking",
    ),
]
