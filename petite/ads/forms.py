"""Forms of the ad profile page and of the back-office."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from petite.core import malware
from petite.core.errors import ActionRefused

from .models import Advertiser, Campaign, Creative, InterestCategory


class InterestChoiceForm(forms.Form):
    interest = forms.ModelChoiceField(
        queryset=InterestCategory.objects.all(),
        label=_("Interest"),
        error_messages={"invalid_choice": _("Choose an interest from the list.")},
    )


class AdvertiserChoiceForm(forms.Form):
    advertiser = forms.ModelChoiceField(
        queryset=Advertiser.objects.all(),
        label=_("Advertiser"),
        error_messages={"invalid_choice": _("Choose an advertiser from the list.")},
    )


def _lines(value: Any) -> list[str]:
    if isinstance(value, list):
        return [str(v).strip() for v in value if str(v).strip()]
    return [line.strip() for line in str(value or "").splitlines() if line.strip()]


class LinesField(forms.CharField):
    """A list of short keys, one per line."""

    widget = forms.Textarea(attrs={"rows": 3})

    def prepare_value(self, value: Any) -> Any:
        return "\n".join(value) if isinstance(value, list) else value

    def to_python(self, value: Any) -> list[str]:  # type: ignore[override]
        return _lines(value)


class InterestCategoryForm(forms.ModelForm[InterestCategory]):
    contexts = LinesField(label=_("Pages that show this interest"), required=False)

    class Meta:
        model = InterestCategory
        fields = ["key", "name_en", "name_fr", "contexts"]


class CampaignForm(forms.ModelForm[Campaign]):
    contexts = LinesField(label=_("Pages (shown to everyone)"), required=False)

    class Meta:
        model = Campaign
        fields = [
            "advertiser",
            "name",
            "starts_on",
            "ends_on",
            "budget_impressions",
            "on_home",
            "on_articles",
            "on_offers",
            "interests",
            "contexts",
        ]


class ReportForm(forms.Form):
    first_day = forms.DateField(label=_("From"))
    last_day = forms.DateField(label=_("To"), initial=dt.date.today)


class CreativeForm(forms.ModelForm[Creative]):
    """An advertisement; its image is scanned for malware before anything else looks at
    it (a detection is recorded even for a file that is not an image at all)."""

    image = forms.FileField(label=_("Image"), required=False)

    class Meta:
        model = Creative
        fields = ["headline", "text", "destination", "image", "image_alt"]

    def clean_image(self) -> Any:
        image = self.cleaned_data.get("image")
        if not image or "image" not in self.changed_data:
            return image
        try:
            result = malware.scan_upload(image, source="ads.creative", name=image.name)
        except ActionRefused as refused:
            raise forms.ValidationError(str(refused), code=refused.code) from None
        checked = forms.ImageField().clean(image)
        self.instance.record_scan(result)
        return checked

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("image") and not cleaned.get("image_alt"):
            self.add_error("image_alt", _("Describe the image for people who cannot see it."))
        return cleaned
