"""The inbound e-mail webhook, outside the language prefixes (config/urls.py
includes it under ``webhooks/anymail/``)."""

from django.urls import URLPattern, path

from petite.core.machine import machine_endpoint, mailgun_signature_block

from .webhooks import MailgunInboundView

# The signature block's shape is checked before anymail reads it (never a 500).
inbound = machine_endpoint(MailgunInboundView.as_view(), check=mailgun_signature_block)

app_name = "datarequests_inbound"
urlpatterns: list[URLPattern] = [
    # The route to give Mailgun: it parses the message and posts attachments as
    # files, so that a large attachment does not exceed DATA_UPLOAD_MAX_MEMORY_SIZE.
    path("mailgun/inbound/", inbound, name="mailgun"),
    # Mailgun posts the whole raw MIME message when the URL contains "mime".
    path("mailgun/inbound_mime/", inbound, name="mailgun_mime"),
]
