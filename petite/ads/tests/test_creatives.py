"""Creative images are scanned by a real clamd before they are stored (P7, P8)."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from ..models import Advertiser, Campaign, Creative
from .factories import campaign

pytestmark = [pytest.mark.clause("P7"), pytest.mark.clause("P8")]


def png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "teal").save(buffer, "PNG")
    return buffer.getvalue()


def post_creative(client: Client, existing: Campaign, content: bytes, name: str) -> Any:
    creative = existing.creatives.get()
    return client.post(
        f"/back-office/ads/campaign/{existing.pk}/change/",
        {
            "advertiser": existing.advertiser_id,
            "name": existing.name,
            "starts_on": existing.starts_on.isoformat(),
            "ends_on": existing.ends_on.isoformat(),
            "budget_impressions": existing.budget_impressions,
            "on_home": "on",
            "contexts": "",
            "creatives-TOTAL_FORMS": "1",
            "creatives-INITIAL_FORMS": "1",
            "creatives-0-id": creative.pk,
            "creatives-0-campaign": existing.pk,
            "creatives-0-headline": creative.headline,
            "creatives-0-text": "",
            "creatives-0-destination": creative.destination,
            "creatives-0-image": SimpleUploadedFile(name, content, content_type="image/png"),
            "creatives-0-image_alt": "A teal square",
            "daily-TOTAL_FORMS": "0",
            "daily-INITIAL_FORMS": "0",
        },
    )


@pytest.fixture
def existing(advertiser: Advertiser) -> Campaign:
    return campaign(advertiser, headline="With an image")


@pytest.mark.usefixtures("clamd")
def test_a_clean_image_is_stored_with_its_scan(staff_client: Client, existing: Campaign) -> None:
    response = post_creative(staff_client, existing, png(), "square.png")

    assert response.status_code == 302
    creative = Creative.objects.get()
    assert str(creative.image.name).startswith("ads/creatives/")
    assert creative.scanned_at is not None
    assert creative.scan_signature_version


@pytest.mark.usefixtures("clamd")
@pytest.mark.parametrize("kind", ["eicar", "eicar_zip"])
def test_an_infected_image_is_refused_and_nothing_is_stored(
    staff_client: Client, existing: Campaign, kind: str, request: pytest.FixtureRequest
) -> None:
    content = request.getfixturevalue(kind)

    response = post_creative(staff_client, existing, content, "square.png")

    assert response.status_code == 200
    assert "virus scanner found something harmful" in response.content.decode()
    assert not Creative.objects.get().image


@pytest.mark.usefixtures("clamd_stopped")
def test_with_the_scanner_down_the_image_is_refused(
    staff_client: Client, existing: Campaign
) -> None:
    response = post_creative(staff_client, existing, png(), "square.png")

    assert response.status_code == 200
    assert "try again later" in response.content.decode()
    assert not Creative.objects.get().image
