"""The member's forms: ordering, opening a dispute, writing in it, adding evidence."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from . import providers
from .actions import REASONS


class OrderForm(forms.Form):
    provider = forms.ChoiceField(label=_("Pay with"), widget=forms.RadioSelect)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["provider"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(p.key, p.name) for p in providers.offered()]
        if field.choices:
            field.initial = field.choices[0][0]


class DisputeForm(forms.Form):
    reason = forms.ChoiceField(label=_("What is wrong?"), choices=list(REASONS.items()))
    message = forms.CharField(
        label=_("Tell us what happened"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("The team answers within the time shown on the case."),
    )


class MessageForm(forms.Form):
    text = forms.CharField(
        label=_("Your message"), max_length=5000, widget=forms.Textarea(attrs={"rows": 4})
    )


class EvidenceForm(forms.Form):
    file = forms.FileField(
        label=_("Add a document"),
        help_text=_("PDF, PNG, JPEG or plain text, at most %(size)d MB.")
        % {"size": settings.PETITE_DISPUTE_EVIDENCE_MAX_BYTES // (1024 * 1024)},
    )
