"""Demo data of commercial e-mail: two topics, Alice's choice of the newsletter and a
draft campaign. Idempotent, like every app's ``demo.load``."""

from __future__ import annotations

from typing import Any

from django.utils import translation

from petite.accounts.models import Member

from . import actions
from .models import Campaign, ConsentRecord, Source, Topic

TOPICS: list[dict[str, Any]] = [
    {
        "slug": "newsletter",
        "position": 1,
        "name_en": "Newsletter",
        "name_fr": "Lettre d\u2019information",
        "description_en": "News of the Platform, about once a month.",
        "description_fr": "Les nouvelles de la Plateforme, environ une fois par mois.",
    },
    {
        "slug": "offers",
        "position": 2,
        "name_en": "Offers",
        "name_fr": "Offres",
        "description_en": "Our paid offers and their discounts, a few times a year.",
        "description_fr": "Nos offres payantes et leurs réductions, quelques fois par an.",
    },
]


def load(stdout: Any) -> None:
    created: list[str] = []
    for spec in TOPICS:
        if not Topic.objects.filter(pk=spec["slug"]).exists():
            actions.save_topic(topic=Topic(**spec), actor=None)
            created.append(str(spec["slug"]))
    alice = Member.objects.filter(email="alice" + "@" + "petite.example").first()
    if alice is not None and not ConsentRecord.objects.filter(member=alice).exists():
        newsletter = Topic.objects.get(pk="newsletter")
        with translation.override("en"):
            actions.choose_topics(
                member=alice, chosen=[newsletter], shown=[newsletter], source=Source.SIGNUP
            )
    staff = Member.objects.filter(is_staff=True).order_by("pk").first()
    if staff is not None and not Campaign.objects.exists():
        actions.save_campaign(
            campaign=Campaign(
                topic_id="newsletter",
                subject_en="What's new on Petite this month",
                subject_fr="Les nouveautés de Petite ce mois-ci",
                body_format=Campaign.Format.MARKDOWN,
                body_en="## Hello!\n\nThis month, **Portraits** can show your interests.\n\n"
                "- Export your data in one click\n- Choose your e-mail topics\n\n"
                "[Read more](https://petite.example/)",
                body_fr="## Bonjour !\n\nCe mois-ci, les **Portraits** montrent vos centres "
                "d\u2019intérêt.\n\n- Exportez vos données en un clic\n- Choisissez vos sujets\n\n"
                "[En savoir plus](https://petite.example/fr/)",
            ),
            actor=staff,
        )
    if created:
        stdout.write(f"Newsletter topics created: {', '.join(created)}.")
