"""Topics and campaigns for the tests, and Mailgun's signed tracking events."""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from typing import Any

import factory
from django.utils import timezone

from petite.marketing.models import Campaign, Topic


class TopicFactory(factory.django.DjangoModelFactory[Topic]):
    class Meta:
        model = Topic
        django_get_or_create = ("slug",)
        skip_postgeneration_save = True

    slug = factory.Sequence(lambda n: f"topic-{n}")
    name_en = factory.LazyAttribute(lambda t: t.slug.title())
    name_fr = factory.LazyAttribute(lambda t: f"{t.slug.title()} (fr)")
    description_en = "News, about once a month."
    description_fr = "Des nouvelles, environ une fois par mois."


class CampaignFactory(factory.django.DjangoModelFactory[Campaign]):
    class Meta:
        model = Campaign
        skip_postgeneration_save = True

    topic = factory.SubFactory(TopicFactory, slug="newsletter")
    subject_en = "Spring news"
    subject_fr = "Les nouvelles du printemps"
    body_format = Campaign.Format.MARKDOWN
    body_en = "## Hello\n\nOur **spring** news. [Read more](https://petite.example/spring)"
    body_fr = "## Bonjour\n\nNos nouvelles du **printemps**. [La suite](https://petite.example/fr/)"


def mailgun_signature(key: str) -> dict[str, str]:
    """The signature block Mailgun adds to every webhook: HMAC-SHA256 of timestamp + token."""
    timestamp = str(int(timezone.now().timestamp()))
    token = secrets.token_hex(25)
    signature = hmac.new(key.encode(), f"{timestamp}{token}".encode(), hashlib.sha256).hexdigest()
    return {"timestamp": timestamp, "token": token, "signature": signature}


def mailgun_event(event: str, recipient: str, *, key: str, **event_data: Any) -> str:
    """A tracking webhook body as Mailgun posts it (JSON, "event-data" + "signature")."""
    data = {
        "event": event,
        "recipient": recipient,
        "timestamp": timezone.now().timestamp(),
        "id": secrets.token_hex(8),
        "message": {"headers": {"message-id": "marketing.campaigndelivery.1@petite.example"}},
        **event_data,
    }
    return json.dumps({"signature": mailgun_signature(key), "event-data": data})
