"""Inventory for the advertising tests."""

from __future__ import annotations

import datetime as dt

import factory
from django.utils import timezone

from ..models import Advertiser, Campaign, Creative, InterestCategory


class InterestFactory(factory.django.DjangoModelFactory[InterestCategory]):
    class Meta:
        model = InterestCategory
        skip_postgeneration_save = True

    key = factory.Sequence(lambda n: f"interest-{n}")
    name_en = factory.Sequence(lambda n: f"Interest {n}")
    name_fr = factory.Sequence(lambda n: f"Intérêt {n}")
    contexts: list[str] = []


class AdvertiserFactory(factory.django.DjangoModelFactory[Advertiser]):
    class Meta:
        model = Advertiser
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Advertiser {n}")
    paid_by = factory.LazyAttribute(lambda o: f"{o.name} Ltd")
    receives_reports = True


def campaign(
    advertiser: Advertiser,
    *,
    headline: str,
    interests: list[InterestCategory] = (),  # type: ignore[assignment]
    contexts: list[str] = (),  # type: ignore[assignment]
    budget: int = 1000,
    **places: bool,
) -> Campaign:
    today = timezone.localdate()
    created = Campaign.objects.create(
        advertiser=advertiser,
        name=headline,
        starts_on=today - dt.timedelta(days=1),
        ends_on=today + dt.timedelta(days=30),
        budget_impressions=budget,
        contexts=list(contexts),
        **({"on_home": True, "on_articles": True, "on_offers": True} | places),
    )
    created.interests.set(list(interests))
    Creative.objects.create(
        campaign=created, headline=headline, text="", destination="https://advertiser.example/"
    )
    return created
