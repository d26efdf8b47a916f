"""The one form of the banner and the Choose page."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from petite.core.formbody import CompleteForm

from .choices import ADS, CATEGORIES
from .models import ConsentRecord


class ChoiceForm(CompleteForm, forms.Form):
    """Which button was pressed, and the switches (read only for "Save my choice")."""

    action = forms.ChoiceField(
        choices=ConsentRecord.Action.choices,
        error_messages={
            "required": _("Please press one of the buttons to say what you choose."),
            "invalid_choice": _("That choice is not one we offer. Please use the buttons."),
        },
    )

    # The pressed button: without it the form refuses with its own message (400).
    may_be_absent = ("action",)

    def __init__(self, *args: Any, global_privacy_control: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.global_privacy_control = global_privacy_control
        for category in CATEGORIES:
            self.fields[category.key] = forms.BooleanField(
                label=str(category.name),
                required=False,
                widget=forms.CheckboxInput(attrs={"role": "switch"}),
            )
        if global_privacy_control:
            # The browser already refused personalised advertising for its user.
            self.fields[ADS.key].disabled = True
            self.fields[ADS.key].initial = False

    def consents(self) -> dict[str, bool]:
        """Yes or no per category, as the pressed button means it."""
        action = self.cleaned_data["action"]
        if action == ConsentRecord.Action.ACCEPT_ALL:
            chosen = {c.key: True for c in CATEGORIES}
        elif action == ConsentRecord.Action.REFUSE_ALL:
            chosen = {c.key: False for c in CATEGORIES}
        else:
            chosen = {c.key: bool(self.cleaned_data.get(c.key)) for c in CATEGORIES}
        if self.global_privacy_control:
            chosen[ADS.key] = False
        return chosen
