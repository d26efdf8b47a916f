"""Sign-up offers each topic as an optional box, never ticked, and records what was chosen (P10)."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from petite.accounts.models import Member
from petite.accounts.tests.factories import address
from petite.marketing.models import ConsentRecord, Source, Subscription

pytestmark = pytest.mark.clause("P10")

PASSPHRASE = "violet lantern over quiet fjords"
CHLOE = address("chloe")


def signup_data(**extra: object) -> dict[str, object]:
    return {
        "first_name": "Chloé",
        "last_name": "Bernard",
        "email": CHLOE,
        "password1": PASSPHRASE,
        "password2": PASSPHRASE,
        **extra,
    }


def test_sign_up_shows_one_unticked_optional_box_per_topic(client, newsletter, offers):
    html = client.get(reverse("account_signup")).content.decode()

    boxes = re.findall(r"<input\b[^>]*name=\"marketing_topics\"[^>]*>", html)
    assert [re.search(r'value="([^"]+)"', b).group(1) for b in boxes] == ["newsletter", "offers"]  # type: ignore[union-attr]
    assert all('type="checkbox"' in b for b in boxes)
    assert not any(" checked" in b or " required" in b for b in boxes)
    assert "Newsletter and offers (optional)" in html


def test_signing_up_without_ticking_anything_chooses_nothing(client, newsletter, offers):
    response = client.post(reverse("account_signup"), signup_data())

    assert response.status_code == 302
    member = Member.objects.get(email=CHLOE)
    assert not Subscription.objects.filter(member=member).exists()
    assert not ConsentRecord.objects.filter(member=member).exists()


def test_a_topic_ticked_at_sign_up_is_recorded_with_sign_up_as_its_source(
    client, newsletter, offers
):
    response = client.post(reverse("account_signup"), signup_data(marketing_topics=["offers"]))

    assert response.status_code == 302
    member = Member.objects.get(email=CHLOE)
    assert list(Subscription.objects.filter(member=member).values_list("topic", flat=True)) == [
        "offers"
    ]
    record = ConsentRecord.objects.get(member=member)
    assert (record.topic_id, record.choice, record.source) == (
        "offers",
        ConsentRecord.Choice.OPT_IN,
        Source.SIGNUP,
    )


def test_a_forged_topic_at_sign_up_is_refused_and_no_account_is_made(client, newsletter):
    response = client.post(reverse("account_signup"), signup_data(marketing_topics=["casino"]))

    assert response.status_code == 200
    assert "marketing_topics" in response.context["form"].errors
    assert not Member.objects.filter(email=CHLOE).exists()


def test_without_topics_sign_up_asks_for_exactly_the_clause_s_fields(client, db):
    html = client.get(reverse("account_signup")).content.decode()

    assert "marketing_topics" not in html
