"""Forms of the accounts app."""

from __future__ import annotations

from django import forms
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from .models import Member


class SignupForm(forms.Form):
    """The fields allauth's sign-up adds to e-mail and password: exactly the clause's R1.1."""

    first_name = forms.CharField(
        label=_("First name"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "given-name"}),
    )
    last_name = forms.CharField(
        label=_("Last name"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "family-name"}),
    )

    field_order = ["first_name", "last_name", "email", "password1", "password2"]

    def signup(self, request: HttpRequest, user: Member) -> None:
        # allauth's adapter already copied first_name / last_name onto the member.
        pass
