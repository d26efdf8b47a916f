"""The help desk's forms: opening a request, writing again, giving an opinion, answering."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import CannedReply, Category, HelpRequest


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        if isinstance(data, (list, tuple)):
            return [super(MultipleFileField, self).clean(d, initial) for d in data if d]
        return [super().clean(data, initial)] if data else []


class OpenRequestForm(forms.Form):
    name = forms.CharField(label=_("Your name"), max_length=150)
    email = forms.EmailField(label=_("Your e-mail address"), max_length=254)
    category = forms.ModelChoiceField(
        label=_("What is it about?"),
        queryset=Category.objects.filter(active=True),
        required=False,
        empty_label=_("Something else"),
    )
    subject = forms.CharField(label=_("Subject"), max_length=200)
    body = forms.CharField(label=_("Your message"), max_length=20000, widget=forms.Textarea)
    attachments = MultipleFileField(
        label=_("Attachments (optional)"),
        required=False,
        help_text=_("Up to 3 images, PDF or text files, 5 MB each."),
    )


class ReplyForm(forms.Form):
    body = forms.CharField(label=_("Your message"), max_length=20000, widget=forms.Textarea)
    attachments = MultipleFileField(
        label=_("Attachments (optional)"),
        required=False,
        help_text=_("Up to 3 images, PDF or text files, 5 MB each."),
    )


class RatingForm(forms.Form):
    satisfaction = forms.ChoiceField(
        label=_("Did our answer help you?"),
        choices=HelpRequest.Satisfaction.choices,
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Anything to add? (optional)"),
        max_length=2000,
        required=False,
        widget=forms.Textarea,
    )


class AnswerForm(forms.Form):
    canned = forms.ModelChoiceField(
        label=_("Start from a canned reply"), queryset=CannedReply.objects.all(), required=False
    )
    body = forms.CharField(
        label=_("Message"), max_length=20000, widget=forms.Textarea, required=False
    )
    internal = forms.BooleanField(
        label=_("Internal note (never shown or e-mailed to the requester)"), required=False
    )
    status = forms.ChoiceField(
        label=_("Then set the status to"),
        choices=[
            (v, label) for v, label in HelpRequest.Status.choices if v != HelpRequest.Status.NEW
        ],
        initial=HelpRequest.Status.WAITING,
    )
