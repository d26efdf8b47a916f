"""The identity form: the member's names and the language of our e-mails (U1).

The other fields the member gave have their own pages (e-mail addresses,
password, two-factor authentication, Portrait); "Your data" links to each.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils.text import capfirst
from django.utils.translation import gettext

from petite.core.formbody import CompleteForm


def _model_field(name: str) -> Any:
    return get_user_model()._meta.get_field(name)


def _language_choices() -> list[tuple[str, str]]:
    # Called for each form, so the labels follow the language of the page.
    return [
        ("", gettext("Same as the site")),
        *((code, str(name)) for code, name in settings.LANGUAGES),
    ]


class IdentityForm(CompleteForm, forms.Form):
    first_name = forms.CharField(
        label=capfirst(_model_field("first_name").verbose_name),
        max_length=_model_field("first_name").max_length,
        widget=forms.TextInput(attrs={"autocomplete": "given-name"}),
    )
    last_name = forms.CharField(
        label=capfirst(_model_field("last_name").verbose_name),
        max_length=_model_field("last_name").max_length,
        widget=forms.TextInput(attrs={"autocomplete": "family-name"}),
    )
    language = forms.ChoiceField(
        label=capfirst(_model_field("language").verbose_name),
        choices=_language_choices,
        required=False,
        help_text=_model_field("language").help_text,
    )
