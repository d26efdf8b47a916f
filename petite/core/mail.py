"""Django's SMTP mailer, without re-parsing the same addresses for every message.

Django's SMTP backend parses the sender and each recipient with the email
package's header parser before every message: about a millisecond, as long as
the SMTP exchange itself, which caps bulk e-mail (policy notices, campaigns) at
a few hundred messages a second. A plain ASCII address needs no parsing, and the
sender is the same for every message: both skip it here. Anything else (display
names, non-ASCII domains) goes through Django's own checks, unchanged.

Also: the file mailer (the embedded default, ``var/mail/``) writing each file 0600.
"""

from __future__ import annotations

import re
from typing import Any

from django.core.mail.backends import filebased, smtp

from . import disk

# local@domain.tld in plain ASCII, no display name, no whitespace (so no header injection).
PLAIN_ADDRESS = re.compile(
    r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
    r"@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+"
)


class EmailBackend(smtp.EmailBackend):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._prepared: dict[tuple[str, bool], str] = {}

    def prep_address(self, address: Any, force_ascii: bool = True) -> str:
        if isinstance(address, str) and PLAIN_ADDRESS.fullmatch(address):
            return address
        key = (str(address), force_ascii)
        if key not in self._prepared:
            if len(self._prepared) > 100:
                self._prepared.clear()
            self._prepared[key] = super().prep_address(address, force_ascii)
        return self._prepared[key]


class FileEmailBackend(filebased.EmailBackend):
    """Django's file mailer, with files only the platform's user can read: they hold
    members' addresses and messages (docs/operations.md)."""

    def open(self) -> bool:
        if self.stream is None:
            disk.private_directory(self.file_path)
            self.stream = disk.private_file(self._get_filename(), "ab")
            return True
        return False
