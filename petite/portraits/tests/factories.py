"""Portraits for tests."""

from __future__ import annotations

import factory

from petite.accounts.tests.factories import MemberFactory
from petite.portraits.models import Portrait


class PortraitFactory(factory.django.DjangoModelFactory[Portrait]):
    class Meta:
        model = Portrait
        skip_postgeneration_save = True

    member = factory.SubFactory(MemberFactory)
    display_name = "Alice M."
    bio = "Gardener and cellist."
    interests = "music, gardens"
    street = "12 rue des Lilas"
    postcode = "75011"
    city = "Paris"
    country = "FR"
