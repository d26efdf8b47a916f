"""Addresses for machines (no language prefix), mounted at the site root.

The unsubscribe link is opened by mail programs (RFC 8058 one-click POST) as well
as by people, and Mailgun posts delivery events to the tracking webhook; neither
knows our language prefixes.
"""

from anymail.webhooks.mailgun import MailgunTrackingWebhookView
from django.urls import URLPattern, URLResolver, path

from . import views

app_name = "marketing_machine"
urlpatterns: list[URLPattern | URLResolver] = [
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    # Give Mailgun this address for its "permanent failure", "complained" and
    # "unsubscribed" webhooks; anymail checks the signature before anything runs.
    path(
        "webhooks/mailgun/tracking/",
        MailgunTrackingWebhookView.as_view(),
        name="mailgun_tracking",
    ),
]
