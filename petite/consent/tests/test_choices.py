"""Recording a choice: the ledger keeps the proof, the cookie keeps the choice (R1.5)."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

import pytest
import time_machine
from django.conf import settings
from django.test import Client
from django.urls import reverse

from petite.accounts.models import Member
from petite.accounts.tests.factories import PASSWORD
from petite.consent import choices, cookies, selectors
from petite.consent.models import ConsentRecord
from petite.core.models import AuditEvent

from .conftest import CHOOSE, SAME_ORIGIN, SAVE, choice_in, post_choice

pytestmark = pytest.mark.django_db

NOON = dt.datetime(2026, 12, 1, 12, 0, tzinfo=dt.UTC)


@pytest.mark.clause("R1.5")
def test_accept_all_keeps_proof_of_the_choice_and_remembers_it_in_a_signed_cookie(
    visitor: Client,
) -> None:
    with time_machine.travel(NOON, tick=False):
        response = post_choice(visitor, "accept_all", next="/contact/")

    assert response.status_code == 302
    assert response["Location"] == "/contact/"
    record = ConsentRecord.objects.get()
    assert (record.action, record.audience, record.ads) == ("accept_all", True, True)
    assert record.member is None
    assert len(record.visitor_id) == 32
    assert record.banner_version == choices.banner_version()
    assert record.banner_version.startswith("sha256:")
    assert record.notice_version == selectors.notice_version()
    assert record.created_at == NOON
    assert record.language == "en"
    # The cookie: signed, HttpOnly, kept 6 months, holding the same visitor id.
    morsel = response.cookies[settings.PETITE_CONSENT_COOKIE_NAME]
    assert morsel["httponly"]
    assert morsel["samesite"] == "Lax"
    assert morsel["path"] == "/"
    assert int(morsel["max-age"]) == 182 * 86400
    choice = cookies.decode(morsel.value)
    assert choice is not None
    assert choice.visitor_id == record.visitor_id
    assert dict(choice.consents) == {"audience": True, "ads": True}
    assert AuditEvent.objects.filter(action="consent.chosen", target_id=str(record.pk)).exists()


@pytest.mark.clause("R1.5")
def test_refuse_all_is_recorded_just_as_accept_all(visitor: Client) -> None:
    post_choice(visitor, "refuse_all")

    record = ConsentRecord.objects.get()
    assert (record.action, record.audience, record.ads) == ("refuse_all", False, False)
    choice = choice_in(visitor)
    assert choice is not None
    assert dict(choice.consents) == {"audience": False, "ads": False}


@pytest.mark.clause("R1.5")
def test_choosing_category_by_category_records_each_switch(visitor: Client) -> None:
    response = post_choice(visitor, "choose", audience="on")

    assert response["Location"] == CHOOSE  # no next: back to the Choose page
    record = ConsentRecord.objects.get()
    assert (record.action, record.audience, record.ads) == ("choose", True, False)


@pytest.mark.clause("R1.5")
def test_a_withdrawal_is_a_new_record_under_the_same_visitor_id(visitor: Client) -> None:
    post_choice(visitor, "accept_all")
    post_choice(visitor, "refuse_all")

    first, second = ConsentRecord.objects.order_by("created_at", "pk")
    assert first.visitor_id == second.visitor_id
    assert (first.audience, second.audience) == (True, False)
    choice = choice_in(visitor)
    assert choice is not None
    assert not choice.allows("audience")
    assert not choice.allows("ads")


@pytest.mark.clause("R1.5")
@pytest.mark.parametrize(
    "headers",
    [
        {"HTTP_ORIGIN": "https://evil.example", "HTTP_SEC_FETCH_SITE": "cross-site"},
        {"HTTP_SEC_FETCH_SITE": "cross-site"},
        {"HTTP_ORIGIN": "null"},
        {},
    ],
)
def test_another_site_cannot_choose_for_the_visitor(visitor: Client, headers: dict) -> None:
    response = post_choice(visitor, "accept_all", headers=headers)

    assert response.status_code == 403
    assert "did not come from one of our pages" in response.content.decode()
    assert not ConsentRecord.objects.exists()
    assert settings.PETITE_CONSENT_COOKIE_NAME not in response.cookies


@pytest.mark.clause("R1.5")
@pytest.mark.parametrize(
    "next_url",
    ["https://evil.example/", "//evil.example/x", "javascript:alert(1)", "/" + "x" * 3000],
)
def test_the_way_back_never_leaves_the_site(visitor: Client, next_url: str) -> None:
    response = post_choice(visitor, "refuse_all", next=next_url)

    assert response.status_code == 302
    assert response["Location"] == CHOOSE


@pytest.mark.clause("R1.5")
@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "Please press one of the buttons"),
        ({"action": "accept_everything"}, "That choice is not one we offer"),
    ],
)
def test_bad_input_is_refused_with_a_clear_message(
    visitor: Client, data: dict, message: str
) -> None:
    response = visitor.post(SAVE, data, **SAME_ORIGIN)

    if message is None:  # unknown fields are ignored
        assert response.status_code == 302
        return
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not ConsentRecord.objects.exists()


@pytest.mark.clause("R1.5")
def test_a_stream_of_choices_from_one_address_is_slowed_down(
    visitor: Client, settings: Any
) -> None:
    settings.PETITE_CONSENT_RATE_LIMIT = 3
    for _ in range(3):
        assert post_choice(visitor, "refuse_all").status_code == 302

    response = post_choice(visitor, "accept_all")

    assert response.status_code == 429
    assert "many times in a few minutes" in response.content.decode()
    assert ConsentRecord.objects.count() == 3


@pytest.mark.clause("R1.5")
def test_a_signed_in_members_choice_is_theirs(alice: Member) -> None:
    client = Client()
    client.force_login(alice)

    post_choice(client, "choose", ads="on")

    record = ConsentRecord.objects.get()
    assert record.member == alice
    choice = choice_in(client)
    assert choice is not None
    assert choice.member_tag == cookies.member_tag(alice)


@pytest.mark.clause("R1.5")
def test_a_visitors_choices_are_linked_to_the_member_who_signs_in(
    visitor: Client, alice: Member, bob: Member
) -> None:
    post_choice(visitor, "accept_all")
    post_choice(visitor, "choose", audience="on")
    ConsentRecord.objects.create(
        visitor_id="f" * 32,
        action="refuse_all",
        audience=False,
        ads=False,
        notice_version="n",
        banner_version="b",
    )  # another browser's visitor

    visitor.get(reverse("account_login"))  # the sign-in form sets its CSRF cookie
    response = visitor.post(
        reverse("account_login"),
        {
            "login": alice.email,
            "password": PASSWORD,
            "csrfmiddlewaretoken": visitor.cookies["csrftoken"].value,
        },
    )

    assert response.status_code == 302
    assert ConsentRecord.objects.filter(member=alice).count() == 2
    assert ConsentRecord.objects.filter(member__isnull=True).count() == 1
    assert AuditEvent.objects.filter(action="consent.linked", actor=alice).count() == 1
    choice = choice_in(visitor)
    assert choice is not None
    assert choice.member_tag == cookies.member_tag(alice)

    # Later pages change nothing more; a choice made after signing out waits for
    # whoever signs in next from this browser, and alice's rows stay hers.
    visitor.get(reverse("home"))
    assert AuditEvent.objects.filter(action="consent.linked").count() == 1
    visitor.post(
        reverse("account_logout"), {"csrfmiddlewaretoken": visitor.cookies["csrftoken"].value}
    )
    post_choice(visitor, "refuse_all")
    visitor.force_login(bob)
    visitor.get(reverse("home"))
    assert ConsentRecord.objects.filter(member=alice).count() == 2
    assert ConsentRecord.objects.filter(member=bob).get().action == "refuse_all"


@pytest.mark.clause("R1.5")
def test_global_privacy_control_refuses_ads_even_with_accept_all(visitor: Client) -> None:
    post_choice(visitor, "accept_all", headers={**SAME_ORIGIN, "HTTP_SEC_GPC": "1"})

    record = ConsentRecord.objects.get()
    assert (record.audience, record.ads, record.global_privacy_control) == (True, False, True)
    choice = choice_in(visitor)
    assert choice is not None
    assert choice.allows("audience")
    assert not choice.allows("ads")


@pytest.mark.clause("R1.5")
def test_a_choice_made_in_french_records_the_language(visitor: Client) -> None:
    response = visitor.post("/fr/cookies/save/", {"action": "refuse_all"}, **SAME_ORIGIN)

    assert response["Location"] == "/fr/cookies/"
    assert ConsentRecord.objects.get().language == "fr"


@pytest.mark.clause("R1.5")
def test_the_policy_version_in_force_is_recorded_when_there_is_one(
    visitor: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    post_choice(visitor, "refuse_all")  # no published version: the generated notice's hash
    in_force = SimpleNamespace(number=3, content_hash="ab" * 32)
    monkeypatch.setattr("petite.policies.selectors.current", lambda: in_force)
    post_choice(visitor, "accept_all")

    first, second = ConsentRecord.objects.order_by("pk")
    assert first.notice_version.startswith("notice-sha256:")
    assert second.notice_version == "policy-3:sha256:" + "ab" * 8
