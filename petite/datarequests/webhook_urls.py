"""The inbound e-mail webhook, outside the language prefixes (config/urls.py
includes it under ``webhooks/anymail/``)."""

from django.urls import URLPattern, path

from .webhooks import MailgunInboundView

app_name = "datarequests_inbound"
urlpatterns: list[URLPattern] = [
    # The route to give Mailgun: it parses the message and posts attachments as
    # files, so that a large attachment does not exceed DATA_UPLOAD_MAX_MEMORY_SIZE.
    path("mailgun/inbound/", MailgunInboundView.as_view(), name="mailgun"),
    # Mailgun posts the whole raw MIME message when the URL contains "mime".
    path("mailgun/inbound_mime/", MailgunInboundView.as_view(), name="mailgun_mime"),
]
