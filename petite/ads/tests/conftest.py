"""Fixtures of the advertising tests: an article about travel, and its two kinds of ads."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from petite.accounts.models import Member
from petite.comments.models import Article, Section
from petite.comments.tests.factories import ArticleFactory

from ..models import Advertiser, Campaign, InterestCategory
from .factories import AdvertiserFactory, InterestFactory, campaign

SAME_ORIGIN: dict[str, Any] = {
    "HTTP_ORIGIN": "http://testserver",
    "HTTP_SEC_FETCH_SITE": "same-origin",
}


def choose_cookies(client: Client, *, ads: bool, **headers: Any) -> None:
    """The member's choice in the banner, as their browser posts it."""
    data = {"action": "choose", **({"ads": "on"} if ads else {})}
    response = client.post("/cookies/save/", data, **SAME_ORIGIN, **headers)
    assert response.status_code in (302, 303)


@pytest.fixture
def travel(db: None) -> InterestCategory:
    return InterestFactory.create(
        key="travel", name_en="Travel", name_fr="Voyages", contexts=["article:travel"]
    )


@pytest.fixture
def cooking(db: None) -> InterestCategory:
    return InterestFactory.create(
        key="cooking", name_en="Cooking", name_fr="Cuisine", contexts=["article:food"]
    )


@pytest.fixture
def article(db: None) -> Article:
    return ArticleFactory.create(slug="trains", section=Section.TRAVEL)


@pytest.fixture
def advertiser(db: None) -> Advertiser:
    return AdvertiserFactory.create(name="Rail Tours", paid_by="Rail Tours Holding")


@pytest.fixture
def personalised_campaign(advertiser: Advertiser, travel: InterestCategory) -> Campaign:
    return campaign(advertiser, headline="Night trains to Vienna", interests=[travel])


@pytest.fixture
def contextual_campaign(db: None) -> Campaign:
    return campaign(
        AdvertiserFactory.create(name="Guide Books"),
        headline="Guides for every trip",
        contexts=["article:travel"],
    )


@pytest.fixture
def consenting(alice: Member) -> Client:
    client = Client()
    client.force_login(alice)
    choose_cookies(client, ads=True)
    return client


@pytest.fixture
def refusing(alice: Member) -> Client:
    client = Client()
    client.force_login(alice)
    choose_cookies(client, ads=False)
    return client
