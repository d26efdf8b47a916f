"""Back-office forms of the register: a request, a decision, the Art. 48 check, an
extended non-disclosure order, a transfer."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from petite.privacy.categories import CATEGORIES

from .models import AuthorityRequest, Transfer


def category_choices() -> list[tuple[str, str]]:
    return [(key, str(category.name)) for key, category in CATEGORIES.items()]


class RequestForm(forms.ModelForm[AuthorityRequest]):
    categories = forms.MultipleChoiceField(
        label=_("Categories asked for"),
        choices=category_choices,
        widget=forms.CheckboxSelectMultiple,
    )
    gag_review_at = forms.DateTimeField(
        label=_("Non-disclosure order: review date (empty if none)"), required=False
    )

    class Meta:
        model = AuthorityRequest
        fields = [
            "requester",
            "authority_type",
            "country",
            "instrument",
            "legal_basis",
            "received_on",
            "due_on",
            "identifiers",
            "requested_since",
            "requested_until",
        ]


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[
            (AuthorityRequest.Decision.COMPLY, _("Comply")),
            (AuthorityRequest.Decision.PARTIAL, _("Comply in part")),
            (AuthorityRequest.Decision.REFUSE, _("Refuse")),
        ],
    )
    reasons = forms.CharField(label=_("Reasons"), widget=forms.Textarea)
    categories = forms.MultipleChoiceField(
        label=_("Categories to disclose (comply in part)"),
        choices=category_choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    since = forms.DateTimeField(label=_("Disclose data from (comply in part)"), required=False)
    until = forms.DateTimeField(label=_("Disclose data until (comply in part)"), required=False)


class Art48Form(forms.Form):
    agreement = forms.CharField(label=_("International agreement relied on"), widget=forms.Textarea)


class ExtendGagForm(forms.Form):
    review_at = forms.DateTimeField(label=_("New review date"))
    reason = forms.CharField(label=_("Reason (the renewed order)"), widget=forms.Textarea)


class TransferForm(forms.ModelForm[Transfer]):
    categories = forms.MultipleChoiceField(
        label=_("Data categories"), choices=category_choices, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = Transfer
        fields = ["recipient", "kind", "planned_at", "active_within_days"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["active_within_days"].required = False
