"""The signed unsubscribe link works without signing in; GET never unsubscribes; a
forged or expired link changes nothing and says so (P10)."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.core import signing
from django.test import Client
from django.utils import timezone

from petite.marketing import tokens
from petite.marketing.models import ConsentRecord, Source, Subscription

from .conftest import subscribe

pytestmark = pytest.mark.clause("P10")


def link(member, topic) -> str:
    return "/unsubscribe/" + tokens.make(member_id=member.pk, topic_slug=topic.slug) + "/"


def topics_of(member) -> list[str]:
    return sorted(Subscription.objects.filter(member=member).values_list("topic", flat=True))


@pytest.fixture
def mail_program() -> Client:
    """What a mail provider's server is: no session, no cookie, no CSRF token."""
    return Client(enforce_csrf_checks=True)


def test_opening_the_link_only_asks_for_confirmation(alice, newsletter, mail_program):
    subscribe(alice, newsletter)

    response = mail_program.get(link(alice, newsletter))

    assert response.status_code == 200
    body = response.content.decode()
    assert "Do you want to stop receiving “Newsletter” by e-mail?" in body
    assert '<form method="post"' in body
    assert alice.email not in body  # a forwarded link shows nobody's address
    assert topics_of(alice) == ["newsletter"]
    assert not response.cookies


def test_a_one_click_post_without_a_session_unsubscribes_and_answers_200(
    alice, newsletter, offers, mail_program
):
    subscribe(alice, newsletter, offers)

    response = mail_program.post(
        link(alice, newsletter),
        "List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )

    assert response.status_code == 200
    assert topics_of(alice) == ["offers"]
    record = ConsentRecord.objects.filter(member=alice).first()
    assert record is not None
    assert (record.topic_id, record.choice, record.source) == (
        "newsletter",
        ConsentRecord.Choice.OPT_OUT,
        Source.ONE_CLICK,
    )
    assert not response.cookies


def test_the_confirmation_button_can_stop_every_topic(alice, newsletter, offers, mail_program):
    subscribe(alice, newsletter, offers)

    response = mail_program.post(link(alice, newsletter), {"scope": "all"})

    assert response.status_code == 200
    assert "we will send you no more newsletters or offers" in response.content.decode()
    assert topics_of(alice) == []
    assert set(
        ConsentRecord.objects.filter(choice=ConsentRecord.Choice.OPT_OUT).values_list(
            "source", flat=True
        )
    ) == {Source.UNSUBSCRIBE_LINK}


def test_the_page_speaks_the_member_s_language(alice, newsletter, mail_program):
    alice.language = "fr"
    alice.save()
    subscribe(alice, newsletter)

    response = mail_program.post(link(alice, newsletter), {"scope": "topic"})

    body = response.content.decode()
    assert '<html lang="fr">' in body
    assert "Les nouvelles" in body


def test_unsubscribing_twice_is_harmless(alice, newsletter, mail_program):
    subscribe(alice, newsletter)
    mail_program.post(link(alice, newsletter), {"scope": "topic"})

    response = mail_program.post(link(alice, newsletter), {"scope": "topic"})

    assert response.status_code == 200
    assert ConsentRecord.objects.filter(choice=ConsentRecord.Choice.OPT_OUT).count() == 1


@pytest.mark.parametrize(
    "forge",
    [
        lambda token: (
            token[:-2] + ("AA" if not token.endswith("AA") else "BB")
        ),  # altered signature
        lambda token: token.split(":")[0],  # signature cut off
        lambda token: signing.dumps({"m": 1, "t": "newsletter"}, salt="another.purpose"),
        lambda token: signing.dumps(
            {"m": 1, "t": "newsletter"}, key="not-our-secret", salt=tokens.SALT
        ),
        lambda token: "not-a-token",
    ],
    ids=["altered", "truncated", "other-salt", "other-key", "garbage"],
)
def test_a_forged_link_changes_nothing_and_says_so(alice, newsletter, mail_program, forge):
    subscribe(alice, newsletter)
    forged = forge(tokens.make(member_id=alice.pk, topic_slug="newsletter"))

    response = mail_program.post(f"/unsubscribe/{forged}/", {"scope": "all"})
    opened = mail_program.get(f"/unsubscribe/{forged}/")

    assert response.status_code == opened.status_code == 400
    assert "This unsubscribe link is not valid" in response.content.decode()
    assert "Nothing was changed." in response.content.decode()
    assert topics_of(alice) == ["newsletter"]


def test_an_expired_link_changes_nothing_and_says_so(alice, newsletter, mail_program, settings):
    subscribe(alice, newsletter)
    token = tokens.make(member_id=alice.pk, topic_slug="newsletter")
    later = timezone.now() + timedelta(days=settings.PETITE_MARKETING_UNSUBSCRIBE_DAYS, hours=1)

    with time_machine.travel(later):
        response = mail_program.post(f"/unsubscribe/{token}/", {"scope": "all"})

    assert response.status_code == 410
    body = response.content.decode()
    assert "This unsubscribe link has expired" in body
    assert "Nothing was changed." in body
    assert topics_of(alice) == ["newsletter"]


def test_a_link_still_works_just_before_it_expires(alice, newsletter, mail_program, settings):
    subscribe(alice, newsletter)
    token = tokens.make(member_id=alice.pk, topic_slug="newsletter")
    later = timezone.now() + timedelta(days=settings.PETITE_MARKETING_UNSUBSCRIBE_DAYS, hours=-1)

    with time_machine.travel(later):
        response = mail_program.post(f"/unsubscribe/{token}/", {"scope": "topic"})

    assert response.status_code == 200
    assert topics_of(alice) == []


def test_a_link_of_an_erased_account_says_nothing_is_sent_any_more(alice, newsletter, mail_program):
    url = link(alice, newsletter)
    alice.delete()

    response = mail_program.post(url, {"scope": "all"})

    assert response.status_code == 200
    assert "no longer exists" in response.content.decode()


def test_one_member_s_link_never_touches_another_member(alice, bob, newsletter, mail_program):
    subscribe(alice, newsletter)
    subscribe(bob, newsletter)

    mail_program.post(link(alice, newsletter), {"scope": "all"})

    assert topics_of(alice) == []
    assert topics_of(bob) == ["newsletter"]
