"""Read one e-mail (raw RFC 822) from standard input into the data-request desk.

For a mail server to pipe the privacy address into, for example with Postfix::

    # /etc/aliases
    privacy: "|/srv/petite/bin/manage receive_data_request_email"
    # or, to know Bcc recipients, a pipe transport in master.cf passing
    #   ... receive_data_request_email --recipient ${recipient}

Exit status follows sysexits.h, which mail servers understand: 0 when the
message was stored, added to a request, recognised as a duplicate or ignored
(not for the desk, or automatic); 65 (EX_DATAERR) when it cannot become a
request: its bytes are then in the quarantine and the error is on stderr; 75
(EX_TEMPFAIL) when something else failed: the bytes are quarantined as well and
the mail server delivers the message again later.
"""

from __future__ import annotations

import os
import sys
from email import policy
from email.parser import BytesParser
from typing import Any, NoReturn

from django.core.management.base import BaseCommand, CommandError, CommandParser

from petite.core.errors import ActionRefused
from petite.datarequests import inbound, quarantine

# Larger than any message a mail server accepts by default (Postfix: 10 MB).
MAX_BYTES = 50 * 1024 * 1024
EX_DATAERR = getattr(os, "EX_DATAERR", 65)
EX_TEMPFAIL = getattr(os, "EX_TEMPFAIL", 75)


class Command(BaseCommand):
    help = (
        "Read one raw e-mail (RFC 822) from standard input and file it at the data-request "
        "desk. Unreadable messages are kept in the quarantine folder and reported on stderr "
        "with a non-zero exit status."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--recipient",
            action="append",
            default=[],
            help="An envelope recipient given by the mail server (may be repeated); "
            "without it, the To, Cc, Delivered-To and X-Original-To headers are used.",
        )

    def handle(self, *args: Any, recipient: list[str], **options: Any) -> None:
        # Read it all, even beyond the limit: a message is kept whole or not at all.
        raw = sys.stdin.buffer.read()
        if not raw.strip():
            self._quarantine_and_fail(raw, "empty input: no message was given", EX_DATAERR)
        if len(raw) > MAX_BYTES:
            self._quarantine_and_fail(
                raw, f"message larger than {MAX_BYTES // (1024 * 1024)} MB", EX_DATAERR
            )
        try:
            message = BytesParser(policy=policy.default).parsebytes(raw)
            if not message.keys():
                raise inbound.MalformedMessage("no e-mail headers found")
            received = inbound.receive_email(message, envelope_recipients=recipient)
        except inbound.MalformedMessage as error:
            self._quarantine_and_fail(raw, f"not a usable e-mail: {error}", EX_DATAERR)
        except ActionRefused as refusal:
            # The malware scanner is unavailable: nothing is stored, unscanned bytes
            # are not even quarantined; the mail server delivers the message later.
            raise CommandError(
                f"Could not file the e-mail now: {refusal.message}", returncode=EX_TEMPFAIL
            ) from None
        except Exception as error:
            self._quarantine_and_fail(raw, f"failed ({type(error).__name__}: {error})", EX_TEMPFAIL)

        reference = received.data_request.reference if received.data_request else ""
        messages = {
            "created": f"Data request {reference} received.",
            "appended": f"Message added to data request {reference}.",
            "duplicate": f"Already received, on data request {reference}.",
            "ignored": f"Ignored: {received.reason}.",
            "refused": f"Refused: {received.reason}.",
        }
        if received.claimed is not None:  # another desk's message (petite.core.inbound)
            claimed = received.claimed
            self.stdout.write(f"{claimed.outcome}: {claimed.reference or claimed.reason}")
            return
        if received.outcome == "refused":
            raise CommandError(messages["refused"], returncode=EX_DATAERR)
        self.stdout.write(messages[received.outcome])

    def _quarantine_and_fail(self, raw: bytes, reason: str, code: int) -> NoReturn:
        try:
            path = quarantine.keep(raw, reason=reason)
        except ActionRefused as refusal:
            if refusal.code == "malware.infected":
                raise CommandError(
                    f"Refused: the e-mail contains malware ({reason}); not kept.",
                    returncode=EX_DATAERR,
                ) from None
            raise CommandError(
                f"Could not file the e-mail ({reason}) nor scan it: {refusal.message}",
                returncode=EX_TEMPFAIL,
            ) from None
        except OSError as error:
            # Not even kept: a temporary failure, so that the mail server keeps it.
            raise CommandError(
                f"Could not file the e-mail ({reason}) nor keep it in quarantine ({error}).",
                returncode=EX_TEMPFAIL,
            ) from None
        raise CommandError(
            f"Could not file the e-mail: {reason}. Kept in quarantine as {path}.",
            returncode=code,
        )
