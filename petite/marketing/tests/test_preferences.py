"""Members choose topic by topic, nothing ticked for them, and each choice is proof (P10)."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from petite.accounts.tests.factories import signed_in
from petite.core.models import AuditEvent
from petite.marketing import actions
from petite.marketing.models import ConsentRecord, Source, Subscription, Suppression

from .conftest import subscribe

pytestmark = pytest.mark.clause("P10")

URL = "/email/"


def checked_topics(html: str) -> list[str]:
    boxes = re.findall(r"<input\b[^>]*name=\"topics\"[^>]*>", html)
    return [re.search(r'value="([^"]+)"', box).group(1) for box in boxes if " checked" in box]  # type: ignore[union-attr]


def offered_topics(html: str) -> list[str]:
    return re.findall(r"<input\b[^>]*name=\"topics\"[^>]*value=\"([^\"]+)\"", html)


def test_the_preferences_page_offers_every_topic_and_ticks_none(alice, newsletter, offers):
    response = signed_in(alice).get(URL)

    assert response.status_code == 200
    html = response.content.decode()
    assert offered_topics(html) == ["newsletter", "offers"]
    assert checked_topics(html) == []
    assert "News of the Platform, about once a month." in html


def test_ticking_a_topic_records_the_choice_with_its_time_source_and_wording(
    alice, newsletter, offers
):
    moment = datetime(2027, 3, 1, 9, 30, tzinfo=UTC)
    with time_machine.travel(moment, tick=False):
        response = signed_in(alice).post(URL, {"topics": ["newsletter"]})

    assert response.status_code == 302
    assert list(Subscription.objects.filter(member=alice).values_list("topic", flat=True)) == [
        "newsletter"
    ]
    record = ConsentRecord.objects.get(member=alice)
    assert (record.topic_id, record.choice, record.source, record.at) == (
        "newsletter",
        ConsentRecord.Choice.OPT_IN,
        Source.PREFERENCES,
        moment,
    )
    assert record.wording == "Newsletter: News of the Platform, about once a month."
    assert record.language == "en"
    assert AuditEvent.objects.filter(action="marketing.topics_chosen", actor=alice).exists()
    assert checked_topics(signed_in(alice).get(URL).content.decode()) == ["newsletter"]


def test_unticking_withdraws_and_is_recorded_too(alice, newsletter, offers):
    subscribe(alice, newsletter, offers)

    signed_in(alice).post(URL, {"topics": ["offers"]})

    assert list(Subscription.objects.filter(member=alice).values_list("topic", flat=True)) == [
        "offers"
    ]
    withdrawal = ConsentRecord.objects.filter(member=alice).first()
    assert withdrawal is not None
    assert (withdrawal.topic_id, withdrawal.choice) == ("newsletter", ConsentRecord.Choice.OPT_OUT)


def test_the_choice_is_recorded_in_the_language_of_the_page(alice, newsletter):
    signed_in(alice).post("/fr/email/", {"topics": ["newsletter"]})

    record = ConsentRecord.objects.get(member=alice)
    assert record.language == "fr"
    assert record.wording.startswith("Les nouvelles: ")


def test_a_topic_no_longer_offered_still_shows_for_those_who_chose_it(
    alice, bob, newsletter, offers
):
    subscribe(alice, offers)
    offers.is_offered = False
    actions.save_topic(topic=offers, actor=None)

    assert offered_topics(signed_in(alice).get(URL).content.decode()) == ["newsletter", "offers"]
    assert offered_topics(signed_in(bob).get(URL).content.decode()) == ["newsletter"]


def test_an_unknown_topic_is_refused_with_a_message_and_nothing_changes(alice, newsletter):
    response = signed_in(alice).post(URL, {"topics": ["newsletter", "casino"]})

    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not Subscription.objects.exists()


def test_a_visitor_is_sent_to_sign_in(client: Client, newsletter):
    response = client.get(URL)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_each_member_sees_and_changes_only_their_own_choices(alice, bob, newsletter):
    subscribe(alice, newsletter)

    bob_page = signed_in(bob).get(URL).content.decode()
    signed_in(bob).post(URL, {})

    assert checked_topics(bob_page) == []
    assert Subscription.objects.filter(member=alice, topic=newsletter).exists()
    assert not ConsentRecord.objects.filter(member=bob).exists()


def test_staff_have_their_own_preferences_like_anyone(staff, alice, newsletter):
    subscribe(alice, newsletter)

    page = signed_in(staff).get(URL).content.decode()

    assert checked_topics(page) == []


def test_a_suppressed_address_is_told_that_nothing_is_sent_even_if_topics_are_ticked(
    alice, newsletter
):
    actions.suppress(address=alice.email, reason=Suppression.Reason.BOUNCE)
    client = signed_in(alice)

    client.post(URL, {"topics": ["newsletter"]})
    page = client.get(URL).content.decode()

    assert Subscription.objects.filter(member=alice).exists()
    assert 'id="suppressed"' in page
    assert "could not be delivered" in page
    assert "nothing is sent" in page


def test_the_page_speaks_french_to_french_readers(alice, newsletter):
    page = signed_in(alice).get("/fr/email/").content.decode()

    assert "<h1>Lettre d" in page
    assert "Enregistrer mes choix" in page
    assert "Les nouvelles de la Plateforme, environ une fois par mois." in page
