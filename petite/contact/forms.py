"""The contact form, with its two invisible guards: a honeypot and a signed start time."""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from . import protection
from .models import ContactMessage

# Characters that have no place in a one-line name or subject (and would break
# e-mail headers): control characters, including line breaks.
_CONTROL = {chr(c) for c in range(32)} | {"\x7f"}


def _single_line(value: str) -> None:
    if any(ch in _CONTROL for ch in value):
        raise forms.ValidationError(
            _("Please write this on a single line."), code="control_characters"
        )


class ContactForm(forms.ModelForm[ContactMessage]):
    # Bots fill in every field; people never see this one (the CSS class
    # "honeypot" moves it off screen, and its label tells screen-reader users to
    # leave it empty). A name that invites autofill-happy bots.
    website = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )
    started = forms.CharField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = ContactMessage
        fields = ("name", "email", "subject", "message")
        labels = {"name": _("Your name"), "email": _("Your e-mail address")}
        help_texts = {"email": _("We reply to this address; we use it for nothing else.")}
        widgets = {
            "name": forms.TextInput(attrs={"autocomplete": "name"}),
            "email": forms.EmailInput(attrs={"autocomplete": "email"}),
            "message": forms.Textarea(attrs={"rows": 8}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["name"].validators.append(_single_line)
        self.fields["subject"].validators.append(_single_line)
        if not self.is_bound:
            self.initial["started"] = protection.issue_started()

    def is_spam_trap_filled(self) -> bool:
        """True when the honeypot has a value: a bot, to be told "thank you" and ignored."""
        return bool(self.data.get(self.add_prefix("website"), "").strip())

    def clean_started(self) -> str:
        value: str = self.cleaned_data.get("started") or ""
        verdict = protection.check_started(value)
        if verdict is protection.Started.OK:
            return value
        if verdict is protection.Started.TOO_FAST:
            # Keep the original time: sending again in a moment will work.
            raise forms.ValidationError(
                _("That was very fast. Please check your message and send it again."),
                code="too_fast",
            )
        # A fresh start time, so the form shown with this error can be sent.
        data = self.data.copy() if isinstance(self.data, QueryDict) else dict(self.data)
        data[self.add_prefix("started")] = protection.issue_started()
        self.data = data
        if verdict is protection.Started.EXPIRED:
            raise forms.ValidationError(
                _("This form was opened more than a day ago. Please send it again."),
                code="expired",
            )
        raise forms.ValidationError(
            _("This form could not be checked. Please send it again."), code="invalid"
        )
