"""What the help desk accepts as an attachment, checked before anything is stored.

Only a few harmless types (images, PDF, plain text), checked by extension *and*
by their first bytes, up to 5 MB and 3 files a message. Then the malware scanner
(``petite.core.malware.scan_upload``, clamd) has the last word: it refuses an
infected file, and refuses every file while clamd is down.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import PurePath
from typing import Any

from django.utils.translation import gettext as _

from petite.core.errors import ActionRefused
from petite.core.malware import scan_upload

MAX_BYTES = 5 * 1024 * 1024
MAX_FILES = 3

# extension -> (content type, the bytes such a file starts with; b"" for text)
_TYPES: dict[str, tuple[str, tuple[bytes, ...]]] = {
    ".png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
    ".jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".gif": ("image/gif", (b"GIF87a", b"GIF89a")),
    ".pdf": ("application/pdf", (b"%PDF-",)),
    ".txt": ("text/plain", ()),
}


@dataclass(frozen=True)
class Checked:
    file: Any
    name: str
    content_type: str
    size: int


def check(files: Sequence[Any], *, uploader: Any = None, ip: str = "") -> list[Checked]:
    """Every file checked, or ActionRefused naming the first that is not accepted."""
    if len(files) > MAX_FILES:
        raise ActionRefused(
            _("You can attach up to %(count)d files to a message.") % {"count": MAX_FILES},
            code="support.too_many_files",
        )
    return [_check_one(file, uploader=uploader, ip=ip) for file in files]


def _check_one(file: Any, *, uploader: Any, ip: str) -> Checked:
    name = PurePath(str(getattr(file, "name", "") or "file")).name[:200]
    extension = PurePath(name).suffix.lower()
    size = int(getattr(file, "size", 0) or 0)
    accepted = _TYPES.get(extension)
    if accepted is None:
        raise ActionRefused(
            _(
                "Files of this type are not accepted. Attach an image (PNG, JPEG, GIF), a PDF or a text file."
            ),
            code="support.file_type",
        )
    if size > MAX_BYTES:
        raise ActionRefused(
            _("This file is too large: files of up to 5 MB are accepted."), code="support.file_size"
        )
    content_type, magic = accepted
    file.seek(0)
    head = file.read(16)
    file.seek(0)
    if magic and not any(head.startswith(m) for m in magic):
        raise ActionRefused(
            _("This file is not what its name says. Attach an image, a PDF or a text file."),
            code="support.file_content",
        )
    if not magic and b"\x00" in head:
        raise ActionRefused(_("This is not a text file."), code="support.file_content")
    scan_upload(file, source="support.attachment", uploader=uploader, ip=ip, name=name)
    return Checked(file=file, name=name, content_type=content_type, size=size)
