"""Forms of the accounts app."""

from __future__ import annotations

from typing import Any

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

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Optional boxes, one per topic offered, none ticked (P10). Imported here:
        # commercial e-mail builds on accounts, not the other way round.
        from petite.marketing.forms import signup_topics_field

        self.topics_field = signup_topics_field()
        if self.topics_field is not None:
            self.fields["marketing_topics"] = self.topics_field

    def signup(self, request: HttpRequest, user: Member) -> None:
        # allauth's adapter already copied first_name / last_name onto the member.
        chosen = self.cleaned_data.get("marketing_topics")
        if chosen and self.topics_field is not None:
            from petite.marketing import actions
            from petite.marketing.models import Source

            actions.choose_topics(
                member=user,
                chosen=chosen,
                shown=self.topics_field.topics,
                source=Source.SIGNUP,
            )
