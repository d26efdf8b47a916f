"""Back-office forms of the incident register."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from petite.privacy.categories import CATEGORIES

from .models import AuthorityNotification, Incident

CATEGORY_CHOICES = [(key, str(category.name)) for key, category in CATEGORIES.items()]


class IncidentForm(forms.ModelForm[Incident]):
    categories = forms.MultipleChoiceField(
        label=_("Categories of data"), choices=CATEGORY_CHOICES, required=False,
        widget=forms.CheckboxSelectMultiple,
    )  # fmt: skip
    data_processing_context = forms.TypedChoiceField(
        label=_("Data processing context (ENISA)"),
        coerce=int,
        choices=[(1, "1 - simple data"), (2, "2 - behavioural data"), (3, "3 - financial data"),
                 (4, "4 - sensitive data")],
    )  # fmt: skip
    ease_of_identification = forms.TypedChoiceField(
        label=_("Ease of identification (ENISA)"),
        coerce=float,
        choices=[(0.25, "0.25 - negligible"), (0.5, "0.5 - limited"), (0.75, "0.75 - significant"),
                 (1.0, "1 - maximum")],
    )  # fmt: skip
    circumstances = forms.DecimalField(
        label=_("Circumstances of the breach (ENISA, 0 to 2)"),
        min_value=0, max_value=2, decimal_places=2,
        help_text=_("Loss of confidentiality 0-0.5, integrity 0-0.5, availability 0-0.5, "
                    "malicious intent 0-0.5."),
    )  # fmt: skip

    class Meta:
        model = Incident
        fields = [
            "title", "aware_at", "confidentiality", "integrity", "availability", "categories",
            "approx_members", "approx_records", "consequences", "measures_taken",
            "measures_proposed", "advice", "data_processing_context", "ease_of_identification",
            "circumstances", "closed_at",
        ]  # fmt: skip


class AuthorityNotificationForm(forms.Form):
    phase = forms.ChoiceField(label=_("Phase"), choices=AuthorityNotification.Phase.choices)
    sent_at = forms.DateTimeField(label=_("Sent at"))
    reference = forms.CharField(label=_("Authority reference"), max_length=100, required=False)
    content = forms.CharField(label=_("What was sent"), widget=forms.Textarea)


class NotNotifiedForm(forms.Form):
    reason = forms.CharField(label=_("Why the authority is not notified"), widget=forms.Textarea)


class AffectedMembersForm(forms.Form):
    emails = forms.CharField(
        label=_("E-mail addresses of affected members, one a line"), widget=forms.Textarea
    )
    categories = forms.MultipleChoiceField(
        label=_("Categories of their data involved"),
        choices=CATEGORY_CHOICES,
        widget=forms.CheckboxSelectMultiple,
    )


class ConfirmForm(forms.Form):
    pass
