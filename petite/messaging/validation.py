"""What a message may contain: some text, not too long, no control characters."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# Line breaks and tabs are text; other control characters only break things.
_ALLOWED_CONTROL = {"\n", "\r", "\t"}


def clean_text(value: str, *, max_length: int) -> str:
    """``value`` with its outer whitespace removed, or a ValidationError that says why not."""
    text = (value or "").replace("\r\n", "\n").strip()
    if not text:
        raise ValidationError(_("Please write something before sending."), code="empty")
    if len(text) > max_length:
        raise ValidationError(
            _(
                "This is %(length)d characters long; the limit is %(limit)d. "
                "Please shorten it or split it in two."
            )
            % {"length": len(text), "limit": max_length},
            code="too_long",
        )
    if any(ord(ch) < 32 and ch not in _ALLOWED_CONTROL for ch in text) or "\x7f" in text:
        raise ValidationError(
            _("This text contains invisible control characters. Please remove them."),
            code="control_characters",
        )
    return text


def clean_message(value: str) -> str:
    return clean_text(value, max_length=settings.PETITE_MESSAGE_MAX_LENGTH)
