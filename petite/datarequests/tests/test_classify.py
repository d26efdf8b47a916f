"""The desk's first guess at a request's type and language, in English and French."""

from __future__ import annotations

import pytest

from petite.datarequests.classify import guess_kind, guess_language
from petite.datarequests.models import DataRequest

Kind = DataRequest.Kind


@pytest.mark.clause("U2")
@pytest.mark.parametrize(
    ("subject", "text", "kind"),
    [
        ("Access request", "", Kind.ACCESS),
        ("", "Je souhaite une copie de mes données.", Kind.ACCESS),
        ("Droit d'accès", "", Kind.ACCESS),
        ("Rectification", "", Kind.RECTIFICATION),
        ("", "My birth date is incorrect.", Kind.RECTIFICATION),
        ("Effacement", "", Kind.ERASURE),
        ("", "Merci de supprimer mes données.", Kind.ERASURE),
        ("", "Please delete my data, right to be forgotten", Kind.ERASURE),
        ("Please delete my account", "", Kind.ACCOUNT_DELETION),
        ("", "Je veux supprimer mon compte.", Kind.ACCOUNT_DELETION),
        ("Opposition", "", Kind.OBJECTION),
        ("", "I object to the processing of my data for advertising.", Kind.OBJECTION),
        ("Hello", "What are your opening hours?", Kind.OTHER),
    ],
)
def test_the_type_is_guessed_from_english_and_french_keywords(subject, text, kind):
    assert guess_kind(subject, text) == kind


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Bonjour, je souhaite recevoir mes données. Merci.", "fr"),
        ("Hello, I would like a copy of my data. Thanks.", "en"),
        ("12345", ""),
    ],
)
def test_the_language_of_the_reply_is_guessed(text, language):
    assert guess_language(text) == language
