"""Demo data: interests, two advertisers and their campaigns (idempotent)."""

from __future__ import annotations

import datetime as dt
from typing import TextIO

from django.utils import timezone

from .models import Advertiser, Campaign, Creative, InterestCategory

INTERESTS = [
    ("travel", "Travel", "Voyages", ["article:travel"]),
    ("cooking", "Cooking", "Cuisine", ["article:food"]),
    ("technology", "Technology", "Technologie", ["article:technology", "article:news"]),
    ("culture", "Culture", "Culture", ["article:culture"]),
    ("sport", "Sport", "Sport", ["article:sport"]),
    ("crafts", "Crafts and making", "Artisanat et fabrication", ["offer:portrait-plus", "home"]),
    (
        "supporting",
        "Supporting small platforms",
        "Soutenir les petites plateformes",
        ["offer:supporter"],
    ),
]


def load(stdout: TextIO) -> None:
    interests = {}
    for key, name_en, name_fr, contexts in INTERESTS:
        interests[key], _created = InterestCategory.objects.get_or_create(
            key=key, defaults={"name_en": name_en, "name_fr": name_fr, "contexts": contexts}
        )
    today = timezone.localdate()
    atelier, _created = Advertiser.objects.get_or_create(
        name="Atelier Terre", defaults={"paid_by": "Atelier Terre SARL", "receives_reports": True}
    )
    books, _created = Advertiser.objects.get_or_create(
        name="Librairie du Quai", defaults={"receives_reports": False}
    )
    campaigns = [
        (
            atelier,
            "Pottery evenings",
            {"on_home": True, "on_articles": True, "on_offers": True},
            ["crafts"],
            ["home", "offer:portrait-plus"],
            (
                "Pottery evenings in Lyon",
                "Learn to throw a bowl in three evenings.",
                "https://atelier-terre.example/evenings",
            ),
        ),
        (
            books,
            "Books for the road",
            {"on_articles": True},
            ["travel", "culture"],
            ["article:news", "article:travel"],
            (
                "Books for the road",
                "Travel writing, new and second-hand.",
                "https://librairie-du-quai.example/",
            ),
        ),
    ]
    for advertiser, name, places, interest_keys, contexts, (headline, text, url) in campaigns:
        campaign, created = Campaign.objects.get_or_create(
            advertiser=advertiser,
            name=name,
            defaults={
                "starts_on": today - dt.timedelta(days=1),
                "ends_on": today + dt.timedelta(days=365),
                "budget_impressions": 1_000_000,
                "contexts": contexts,
                **places,
            },
        )
        if created:
            campaign.interests.set([interests[k] for k in interest_keys])
            Creative.objects.create(
                campaign=campaign, headline=headline, text=text, destination=url
            )
