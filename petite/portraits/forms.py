"""The Portrait form: every field optional; emptying a field clears it."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.text import capfirst

from petite.core.formbody import CompleteForm

from . import countries
from .models import PORTRAIT_FIELDS, Portrait


class PortraitForm(CompleteForm, forms.ModelForm[Portrait]):
    # Choices are a callable so that country names follow the page's language.
    country = forms.ChoiceField(choices=countries.choices, required=False)

    class Meta:
        model = Portrait
        fields = PORTRAIT_FIELDS
        widgets = {
            "bio": forms.Textarea(attrs={"rows": 4}),
            "street": forms.TextInput(attrs={"autocomplete": "street-address"}),
            "postcode": forms.TextInput(attrs={"autocomplete": "postal-code"}),
            "city": forms.TextInput(attrs={"autocomplete": "address-level2"}),
            "display_name": forms.TextInput(attrs={"autocomplete": "nickname"}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        country = self.fields["country"]
        country.label = capfirst(Portrait._meta.get_field("country").verbose_name)
        country.widget.attrs["autocomplete"] = "country"

    def changes(self) -> dict[str, str]:
        """The cleaned values, for the update_portrait action."""
        return {name: self.cleaned_data.get(name) or "" for name in PORTRAIT_FIELDS}
