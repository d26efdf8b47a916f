"""The inbound e-mail webhook: anymail's Mailgun view, with one refinement.

Mailgun signs every webhook with the account's HTTP webhook signing key
(``ANYMAIL["MAILGUN_WEBHOOK_SIGNING_KEY"]``); anymail checks the HMAC and refuses
an unsigned or forged POST with a 400, which Django logs on the
``django.security.AnymailWebhookValidationFailure`` logger, before any of our
code runs. We chose Mailgun because its inbound webhook is signed: several
other providers' inbound webhooks only offer basic authentication.

The refinement: anymail answers a correctly signed POST that lacks the message
fields with a 500 (a KeyError), which Mailgun would retry for hours. Here it is
refused with a 400 and a logged reason, and its fields are kept in the
quarantine, since the signature shows it came from Mailgun.
"""

from __future__ import annotations

import json
from typing import Any

from anymail.exceptions import AnymailWebhookValidationFailure
from anymail.webhooks.mailgun import MailgunInboundWebhookView
from django.http import HttpRequest

from petite.core.errors import ActionRefused

from . import quarantine


class MailgunInboundView(MailgunInboundWebhookView):
    def parse_events(self, request: HttpRequest) -> list[Any]:
        try:
            return list(super().parse_events(request))
        except (KeyError, ValueError, TypeError) as error:
            fields = {name: request.POST.getlist(name) for name in request.POST}
            try:
                path = quarantine.keep(
                    json.dumps(fields, ensure_ascii=False, indent=1).encode("utf-8"),
                    reason=f"Mailgun webhook: signed but unreadable ({type(error).__name__})",
                )
            except ActionRefused as refusal:
                if refusal.code == "malware.unavailable":
                    raise  # a 5xx: Mailgun delivers it again later
                raise AnymailWebhookValidationFailure(
                    "Mailgun inbound webhook: signed but unreadable payload, "
                    f"not kept ({refusal.code})"
                ) from error
            raise AnymailWebhookValidationFailure(
                f"Mailgun inbound webhook: signed but unreadable payload "
                f"({type(error).__name__}); fields kept in quarantine as {path.name}"
            ) from error
