"""Forms of the desk: a member's request, and the back-office's actions on a request."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from petite.accounts.models import Member

from . import actions, rectification, selectors
from .models import DataRequest

MESSAGE_MAX_LENGTH = 5000

# Characters that have no place in a one-line subject (and would break an
# e-mail header): control characters, line breaks included.
_CONTROL = {chr(c) for c in range(32)} | {"\x7f"}


def single_line(value: str) -> None:
    if any(ch in _CONTROL for ch in value):
        raise forms.ValidationError(
            _("Please write this on a single line."), code="control_characters"
        )


class NewRequestForm(forms.Form):
    """A member's request from their account."""

    kind = forms.ChoiceField(
        label=_("What would you like us to do?"),
        choices=DataRequest.Kind.choices,
        widget=forms.RadioSelect,
    )
    message = forms.CharField(
        label=_("Your message"),
        max_length=MESSAGE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_(
            "Tell us what your request is about: for a correction, which data is wrong "
            "and what it should say."
        ),
    )


# --- Back-office -----------------------------------------------------------------


class MemberByEmailField(forms.EmailField):
    """A member named by one of their e-mail addresses (no JavaScript picker needed)."""

    def clean(self, value: Any) -> Member | None:
        address = super().clean(value)
        if not address:
            return None
        member = Member.objects.filter(email__iexact=address).first() or selectors.verified_account(
            address
        )
        if member is None:
            raise forms.ValidationError(
                _("No member has this e-mail address."), code="unknown_member"
            )
        return member


class StaffRequestForm(forms.Form):
    """A request staff enter by hand (received by post, by phone, at the desk)."""

    requester_email = forms.EmailField(label=_("Requester's e-mail address"), max_length=254)
    requester_name = forms.CharField(
        label=_("Requester's name"), max_length=200, required=False, validators=[single_line]
    )
    kind = forms.ChoiceField(
        label=_("Type"),
        choices=[("", _("Guess from the text")), *DataRequest.Kind.choices],
        required=False,
    )
    subject = forms.CharField(
        label=_("Subject"), max_length=300, required=False, validators=[single_line]
    )
    text = forms.CharField(
        label=_("The request, as received"),
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=actions.TEXT_MAX_LENGTH,
    )
    received_on = forms.DateField(
        label=_("Received on"),
        help_text=_("The deadline runs from this day (YYYY-MM-DD)."),
        initial=timezone.localdate,
    )
    member = MemberByEmailField(
        label=_("Member (e-mail address of the account)"),
        required=False,
        help_text=_("Leave empty when the requester has no account or you do not know yet."),
    )
    identity_method = forms.CharField(
        label=_("How identity was established"),
        max_length=300,
        required=False,
        help_text=_(
            "Only if you already checked who the requester is; otherwise a confirmation "
            "link goes to a member's verified address, or you record it later."
        ),
    )

    def clean_received_on(self) -> Any:
        day = self.cleaned_data["received_on"]
        if day > timezone.localdate():
            raise forms.ValidationError(_("This day is in the future."), code="future")
        return day


class IdentityForm(forms.Form):
    method = forms.CharField(
        label=_("How identity was established"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "What you checked, for example: replied from the account's address to our "
            "question; called back on the phone number of the account. Do not keep copies "
            "of identity documents."
        ),
    )
    member = MemberByEmailField(
        label=_("Member (e-mail address of the account)"),
        required=False,
        help_text=_("The account the request is about; empty if the requester has none."),
    )


class KindForm(forms.Form):
    kind = forms.ChoiceField(label=_("Type"), choices=DataRequest.Kind.choices)


class MessageForm(forms.Form):
    subject = forms.CharField(label=_("Subject"), max_length=200, validators=[single_line])
    text = forms.CharField(
        label=_("Message"), widget=forms.Textarea(attrs={"rows": 10}), max_length=20_000
    )


class ExtensionForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for the extension"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
        help_text=_("The requester receives it by e-mail (GDPR Art. 12(3))."),
    )


class RectificationForm(forms.Form):
    field = forms.ChoiceField(label=_("Field to correct"))
    value = forms.CharField(
        label=_("Correct value"),
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["field"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(f.key, f.label) for f in rectification.rectifiable_fields()]


class ConfirmForm(forms.Form):
    confirm = forms.BooleanField(label=_("I have checked the request and confirm"))


class AccountDeletionForm(ConfirmForm):
    when = forms.ChoiceField(
        label=_("When"),
        choices=[
            ("later", _("After the grace period (the member can still cancel by signing in)")),
            ("now", _("At once, as the member asked")),
        ],
        widget=forms.RadioSelect,
        initial="later",
    )


class CloseForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Outcome"),
        choices=[
            (DataRequest.Status.DONE, _("Done")),
            (DataRequest.Status.REFUSED, _("Refused")),
        ],
        widget=forms.RadioSelect,
    )
    message = forms.CharField(
        label=_("Message to the requester"),
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=20_000,
        help_text=_(
            "A refusal must give its reasons; the e-mail adds the requester's right to "
            "complain to the CNIL and to go to court."
        ),
    )
