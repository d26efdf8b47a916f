"""Usage data: daily counts per member and area, never a click stream (R1.2, P2)."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from petite.accounts import actions
from petite.accounts.models import UsageCount
from petite.consent.tests.factories import give_consent

pytestmark = pytest.mark.django_db

NOON = dt.datetime(2026, 3, 10, 12, 0, tzinfo=dt.UTC)


def counts(member) -> dict[tuple[dt.date, str], int]:
    return {(u.day, u.area): u.count for u in UsageCount.objects.filter(member=member)}


@pytest.mark.clause("R1.2")
@pytest.mark.clause("P2")
def test_each_page_view_adds_one_to_the_days_count_for_its_area(client, alice):
    client.force_login(alice)
    give_consent(client, audience=True, member=alice)

    with time_machine.travel(NOON, tick=False):
        client.get(reverse("accounts:security"))
        client.get(reverse("accounts:security"))
        client.get(reverse("home"))

    assert counts(alice) == {(NOON.date(), "account"): 2, (NOON.date(), "home"): 1}


@pytest.mark.clause("R1.2")
def test_a_new_day_starts_a_new_count(client, alice):
    client.force_login(alice)
    give_consent(client, audience=True, member=alice)

    with time_machine.travel(NOON, tick=False):
        client.get(reverse("accounts:security"))
    with time_machine.travel(NOON + dt.timedelta(days=1), tick=False):
        client.get(reverse("accounts:security"))

    assert counts(alice) == {
        (NOON.date(), "account"): 1,
        (NOON.date() + dt.timedelta(days=1), "account"): 1,
    }


@pytest.mark.clause("R1.2")
@pytest.mark.clause("P2")
def test_nothing_is_counted_for_visitors(client, alice):
    give_consent(client, audience=True)
    client.get(reverse("home"))
    client.get(reverse("account_login"))

    assert not UsageCount.objects.exists()


@pytest.mark.clause("R1.2")
def test_failed_requests_are_not_counted(client, alice):
    client.force_login(alice)
    give_consent(client, audience=True, member=alice)

    client.get("/no-such-page/")

    assert not UsageCount.objects.exists()


def test_members_are_counted_apart(client, alice, bob):
    give_consent(client, audience=True)
    client.force_login(alice)
    client.get(reverse("home"))
    client.force_login(bob)
    client.get(reverse("home"))

    assert sum(counts(alice).values()) == 1
    assert sum(counts(bob).values()) == 1


@pytest.mark.clause("P2")
def test_counting_costs_one_statement(alice, django_assert_num_queries):
    actions.count_usage(member_id=alice.pk, area="home", day=timezone.localdate())

    with django_assert_num_queries(1):
        actions.count_usage(member_id=alice.pk, area="home", day=timezone.localdate())

    assert UsageCount.objects.get(member=alice).count == 2


@pytest.mark.clause("P2")
def test_nothing_is_counted_without_audience_consent(client, alice):
    client.force_login(alice)
    client.get(reverse("home"))  # no choice made yet
    give_consent(client, audience=False, ads=True, member=alice)
    client.get(reverse("home"))  # audience refused

    assert not UsageCount.objects.exists()
