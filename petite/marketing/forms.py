"""Forms of commercial e-mail: the topic boxes (sign-up and preferences), the
campaign composer and the staff's suppression entry."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from petite.core.formbody import CompleteForm

from .models import Campaign, Topic


class TopicChoiceField(forms.ModelMultipleChoiceField):
    """One box per topic, each unchecked unless the member already chose it."""

    widget = forms.CheckboxSelectMultiple
    # The topics the boxes show, as the member saw them.
    topics: list[Topic]

    def label_from_instance(self, obj: Any) -> str:
        return format_html('{} <span class="helptext">{}</span>', obj.name, obj.description)


def topics_field(topics: Iterable[Topic], *, label: Any, help_text: Any = "") -> TopicChoiceField:
    shown = list(topics)
    field = TopicChoiceField(
        queryset=Topic.objects.filter(pk__in=[t.pk for t in shown]),
        required=False,
        label=label,
        help_text=help_text,
    )
    field.topics = shown
    return field


def signup_topics_field() -> TopicChoiceField | None:
    """The optional boxes of the sign-up form, or None when no topic is offered."""
    from . import selectors

    offered = list(selectors.offered_topics())
    if not offered:
        return None
    return topics_field(
        offered,
        label=_("Newsletter and offers (optional)"),
        help_text=_(
            "Tick what you would like to receive by e-mail. Nothing is ticked for you, and "
            "every message has a link to stop it."
        ),
    )


class PreferencesForm(CompleteForm, forms.Form):
    """The member's topics: every offered topic, and any they chose that is no longer offered."""

    def __init__(self, *args: Any, shown: list[Topic], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.shown = shown
        self.fields["topics"] = topics_field(
            shown, label=_("What would you like to receive by e-mail?")
        )


class CampaignForm(forms.ModelForm[Campaign]):
    class Meta:
        model = Campaign
        fields = ["topic", "subject_en", "subject_fr", "body_format", "body_en", "body_fr"]
        help_texts = {
            "body_format": _(
                "Markdown or HTML; either way only headings, paragraphs, emphasis, lists, "
                "quotations, code and links are kept. Images, scripts and styles are removed."
            ),
        }
