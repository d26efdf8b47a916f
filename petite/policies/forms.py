"""Forms of policy versions: comparing two versions (public), publishing and
postponing a version (back-office)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.admin import widgets
from django.utils.translation import gettext_lazy as _

from .models import PolicyVersion


class CompareForm(forms.Form):
    """Two published versions, by number (GET, so that a comparison has an address)."""

    old = forms.TypedChoiceField(label=_("From version"), coerce=int)
    new = forms.TypedChoiceField(label=_("To version"), coerce=int)

    def __init__(self, *args: Any, versions: list[PolicyVersion], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [(v.number, str(v)) for v in versions]
        for name in ("old", "new"):
            field = self.fields[name]
            assert isinstance(field, forms.TypedChoiceField)
            field.choices = choices

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("old") is not None and cleaned.get("old") == cleaned.get("new"):
            raise forms.ValidationError(_("Choose two different versions to compare."))
        return cleaned


class EffectiveDateForm(forms.Form):
    effective_at = forms.SplitDateTimeField(
        label=_("Effective from"),
        widget=widgets.AdminSplitDateTime,
        help_text=_(
            "At least 15 days after the last notice e-mail is sent. Sending takes time: "
            "leave a margin, or the date moves later by itself."
        ),
    )


class DraftForm(forms.ModelForm[PolicyVersion]):
    class Meta:
        model = PolicyVersion
        fields = ["summary_en", "summary_fr"]
