"""The transparency report (S5): per half-year, from the register, page and JSON;
requests under a non-disclosure order only as a range."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from petite.accounts.models import Member
from petite.legal import actions, report
from petite.legal.models import AuthorityRequest

from .conftest import DAY, at, court_request, take


@pytest.mark.clause("S5")
def test_the_half_year_report_counts_by_type_country_and_outcome(
    alice: Member, bob: Member, staff: Member, django_capture_on_commit_callbacks: Any
) -> None:
    spring = timezone.make_aware(datetime(2026, 3, 2, 10))
    with at(spring):
        complied = court_request(staff, alice, bob)
        actions.decide(
            request=complied, actor=staff, decision=AuthorityRequest.Decision.COMPLY, reasons="ok"
        )
        _h, token = actions.produce_disclosure(request=complied, actor=staff)
        with django_capture_on_commit_callbacks(execute=True):
            take(token)
        refused = court_request(staff, alice, country="US")
        actions.decide(
            request=refused, actor=staff, decision=AuthorityRequest.Decision.REFUSE, reasons="48"
        )
        court_request(staff, bob, gag_review_at=spring + 200 * DAY)  # still gagged in July

    with at(timezone.make_aware(datetime(2026, 7, 15))):
        built = report.build(report.Period(2026, 1))
        client = Client()
        page = client.get(reverse("legal:transparency_report", args=["2026-h1"]))
        document = client.get(reverse("legal:transparency_json", args=["2026-h1"])).json()
        index = client.get(reverse("legal:transparency"))
        current = client.get(reverse("legal:transparency_json", args=["2026-h2"]))

    assert built["requests"] == 2
    assert built["by_type"] == {"court": 2}
    assert built["by_country"] == {"FR": 1, "US": 1}
    assert built["by_outcome"] == {"comply": 1, "refuse": 1}
    assert built["accounts_specified"] == 3
    assert built["accounts_affected"] == 2
    assert built["accounts_notified"] == 2
    assert built["under_non_disclosure"] == "0-249"
    assert document == {**built}
    assert page.status_code == 200
    assert "Transparency report" in page.content.decode()
    assert "2026-h1" in index.content.decode()
    assert current.status_code == 404  # a half-year is published once it has ended


@pytest.mark.clause("S5")
def test_the_report_periods_are_half_years() -> None:
    assert report.Period.containing(date(2026, 6, 30)).key == "2026-h1"
    assert report.Period.containing(date(2026, 7, 1)).key == "2026-h2"
    assert report.Period.parse("2026-h3") is None
    assert report.band(0) == "0-249"
    assert report.band(260) == "250-499"
