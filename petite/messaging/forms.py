"""Forms of messaging: writing, reporting."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .models import Report
from .validation import clean_message, clean_text


class MessageForm(forms.Form):
    body = forms.CharField(
        label=_("Your message"),
        error_messages={"required": _("Please write something before sending.")},
        # The limit is checked in clean_body with a clear message; the browser's own
        # maxlength would cut pasted text silently.
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Built here, in the language of the request, with the limit in force now.
        self.fields["body"].help_text = gettext(
            "Plain text, at most %(limit)s characters. Only the member you write to can read it."
        ) % {"limit": settings.PETITE_MESSAGE_MAX_LENGTH}

    def clean_body(self) -> str:
        return clean_message(self.cleaned_data.get("body", ""))


class NewConversationForm(MessageForm):
    """Write to a member named by their display name, or by an address (``to``) from a link."""

    display_name = forms.CharField(
        label=_("To"),
        max_length=80,
        required=False,
        help_text=_(
            "The member's display name, exactly as it appears on the Platform. "
            "E-mail addresses are never used here."
        ),
    )
    to = forms.CharField(widget=forms.HiddenInput, required=False)

    field_order = ("display_name", "body", "to")

    def clean(self) -> dict[str, object]:
        cleaned = super().clean() or {}
        if not cleaned.get("to") and not str(cleaned.get("display_name") or "").strip():
            self.add_error("display_name", _("Please say to whom you are writing."))
        return cleaned


class ReportForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("What is wrong with this message?"),
        choices=Report.Reason.choices,
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Anything the moderators should know (optional)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean_note(self) -> str:
        note = str(self.cleaned_data.get("note") or "").strip()
        return clean_text(note, max_length=1000) if note else ""
