"""Demo offers for `make run` (idempotent)."""

from __future__ import annotations

from typing import TextIO

from .models import Offer

OFFERS = [
    {
        "slug": "portrait-plus",
        "name_en": "Portrait Plus (one year)",
        "name_fr": "Portrait Plus (un an)",
        "description_en": "A larger Portrait with a gallery of six pictures, for a year.",
        "description_fr": "Un Portrait plus grand avec une galerie de six images, pendant un an.",
        "price_cents": 1200,
    },
    {
        "slug": "supporter",
        "name_en": "Supporter badge",
        "name_fr": "Badge de soutien",
        "description_en": "Support the Platform and show a small badge on your Portrait.",
        "description_fr": "Soutenez la Plateforme et affichez un petit badge sur votre Portrait.",
        "price_cents": 500,
    },
]


def load(stdout: TextIO) -> None:
    created = 0
    for values in OFFERS:
        slug = values["slug"]
        _offer, was_created = Offer.objects.get_or_create(
            slug=slug, defaults={k: v for k, v in values.items() if k != "slug"}
        )
        created += was_created
    if created:
        stdout.write(f"Payments: {created} demo offers.")
