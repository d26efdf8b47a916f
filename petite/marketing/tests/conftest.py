"""Fixtures of the commercial e-mail tests: Mailgun's key, the two usual topics, and
a helper that records a member's choice the way the preferences page does."""

from __future__ import annotations

from typing import Any

import pytest

from petite.accounts.models import Member
from petite.marketing import actions
from petite.marketing.models import Source, Topic

from .factories import TopicFactory

SIGNING_KEY = "mailgun-key-for-tests-only-0123456789"


@pytest.fixture(autouse=True)
def _marketing_settings(settings: Any) -> None:
    settings.ANYMAIL = {"MAILGUN_WEBHOOK_SIGNING_KEY": SIGNING_KEY}
    settings.SITE_URL = "https://petite.example"
    settings.PETITE_MARKETING_SUPPRESSION_KEY = "suppression-key-for-tests-only"


@pytest.fixture
def newsletter(db: None) -> Topic:
    return TopicFactory.create(
        slug="newsletter",
        position=1,
        name_en="Newsletter",
        name_fr="Les nouvelles",
        description_en="News of the Platform, about once a month.",
        description_fr="Les nouvelles de la Plateforme, environ une fois par mois.",
    )


@pytest.fixture
def offers(db: None) -> Topic:
    return TopicFactory.create(
        slug="offers",
        position=2,
        name_en="Offers",
        name_fr="Offres",
        description_en="Our paid offers, a few times a year.",
        description_fr="Nos offres payantes, quelques fois par an.",
    )


def subscribe(member: Member, *topics: Topic) -> None:
    actions.choose_topics(member=member, chosen=topics, shown=topics, source=Source.PREFERENCES)
