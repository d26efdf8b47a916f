"""The comment form."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from petite.core.formbody import CompleteForm

from . import markup


class CommentForm(forms.Form):
    body = forms.CharField(
        label=_("Your comment"),
        error_messages={"required": _("Please write something before sending.")},
        widget=forms.Textarea(attrs={"rows": 5}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Built here, in the language of the request, with the limit in force now.
        self.fields["body"].help_text = gettext(
            "Markdown: **bold**, *italic*, [a link](https://example.org), lists and quotes. "
            "No HTML, no images. At most %(limit)s characters."
        ) % {"limit": settings.PETITE_COMMENT_MAX_LENGTH}

    def clean_body(self) -> str:
        return markup.check(self.cleaned_data.get("body", ""))


class CommentEditForm(CompleteForm, CommentForm):
    """Changing a published comment: a body that lost the field changes nothing."""
