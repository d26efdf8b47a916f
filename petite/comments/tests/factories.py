"""Articles for the comments tests."""

from __future__ import annotations

import factory

from ..models import Article


class ArticleFactory(factory.django.DjangoModelFactory[Article]):
    class Meta:
        model = Article
        skip_postgeneration_save = True

    slug = factory.Sequence(lambda n: f"article-{n}")
    title_en = factory.Sequence(lambda n: f"Article {n}")
    title_fr = factory.Sequence(lambda n: f"Article n°{n}")
    body_en = "Some **news** from the team."
    body_fr = "Des **nouvelles** de l'équipe."
    published = True
