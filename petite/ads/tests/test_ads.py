"""Advertising that asks first (P7): profiles only with consent, contextual otherwise,
"why this ad" on every ad, reports to advertisers as thresholded aggregates."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import zipfile
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from petite.accounts.models import Member
from petite.comments.models import Article
from petite.core.errors import ActionRefused
from petite.privacy import erasure, export, retention
from petite.privacy.models import Disclosure

from .. import actions, selectors
from ..models import (
    Advertiser,
    BlockedAdvertiser,
    Campaign,
    DailyCount,
    ExcludedInterest,
    Exposure,
    InterestCategory,
    ProfileInterest,
    Report,
)
from .conftest import choose_cookies
from .factories import InterestFactory, campaign

pytestmark = pytest.mark.clause("P7")


def page(client: Client, article: Article, **headers: Any) -> str:
    response = client.get(article.get_absolute_url(), **headers)
    assert response.status_code == 200
    return response.content.decode()


def why_link(html: str) -> str:
    found = re.search(r'href="(/ads/why/[^"]+)"', html)
    assert found, "every ad links to why it is shown"
    return found.group(1)


@pytest.mark.usefixtures("personalised_campaign", "contextual_campaign")
def test_with_consent_refused_nothing_about_browsing_is_stored_and_only_contextual_ads_show(
    refusing: Client, article: Article, alice: Member
) -> None:
    html = page(refusing, article)

    assert ProfileInterest.objects.filter(member=alice).count() == 0
    assert Exposure.objects.filter(member=alice).count() == 0
    assert "Guides for every trip" in html
    assert "Night trains to Vienna" not in html


@pytest.mark.usefixtures("personalised_campaign", "contextual_campaign")
def test_with_global_privacy_control_nothing_is_stored_even_after_saying_yes(
    alice: Member, article: Article
) -> None:
    client = Client()
    client.force_login(alice)
    choose_cookies(client, ads=True)

    html = page(client, article, HTTP_SEC_GPC="1")

    assert ProfileInterest.objects.filter(member=alice).count() == 0
    assert "Guides for every trip" in html


@pytest.mark.usefixtures("contextual_campaign")
def test_with_consent_the_pages_viewed_build_the_profile_and_choose_the_ad(
    consenting: Client, article: Article, alice: Member, personalised_campaign: Campaign
) -> None:
    page(consenting, article)
    html = page(consenting, article)

    interest = ProfileInterest.objects.get(member=alice)
    assert interest.interest.key == "travel"
    assert interest.weight == 2
    assert "Night trains to Vienna" in html


@pytest.mark.usefixtures("personalised_campaign")
def test_why_this_ad_names_the_exact_interests_used(
    consenting: Client, article: Article, cooking: InterestCategory, alice: Member
) -> None:
    actions.add_interest(member=alice, interest=cooking)  # in the profile, but not targeted
    html = page(consenting, article)

    why = consenting.get(why_link(html)).content.decode()

    assert "Rail Tours" in why
    assert "Rail Tours Holding" in why
    assert "Travel" in why
    assert "Cooking" not in why
    assert "/cookies/" in why
    assert "/ads/profile/" in why


@pytest.mark.usefixtures("contextual_campaign")
def test_a_visitor_sees_a_contextual_ad_that_says_so(article: Article) -> None:
    html = page(Client(), article)
    assert "Advertisement" in html
    assert "on behalf of Guide Books" in html
    assert "paid by Guide Books Ltd" in html

    why = Client().get(why_link(html)).content.decode()

    assert "chosen from the page alone" in why
    assert "articles in the “Travel” section" in why


def test_every_ad_carries_its_label_on_every_placement(
    contextual_campaign: Campaign, client: Client
) -> None:
    contextual_campaign.contexts = ["home"]
    contextual_campaign.save()

    html = client.get("/").content.decode()

    assert re.search(r"Advertisement</strong>\s*· on behalf of Guide Books\s*· paid by", html)


def test_a_page_works_with_no_ad_at_all(article: Article) -> None:
    html = page(Client(), article)
    assert "Advertisement" not in html
    assert article.title in html


@pytest.mark.usefixtures("personalised_campaign")
def test_withdrawing_consent_deletes_the_profile_at_once(
    consenting: Client, article: Article, alice: Member
) -> None:
    page(consenting, article)
    assert ProfileInterest.objects.filter(member=alice).exists()

    choose_cookies(consenting, ads=False)

    assert not ProfileInterest.objects.filter(member=alice).exists()
    assert not Exposure.objects.filter(member=alice).exists()


@pytest.mark.usefixtures("personalised_campaign", "contextual_campaign")
def test_no_ad_is_personalised_from_an_interest_the_member_removed(
    consenting: Client, article: Article, alice: Member, travel: InterestCategory
) -> None:
    page(consenting, article)
    response = consenting.post("/ads/profile/remove/", {"interest": travel.pk})
    assert response.status_code == 302

    html = page(consenting, article)

    assert not ProfileInterest.objects.filter(member=alice).exists()
    assert ExcludedInterest.objects.filter(member=alice, interest=travel).exists()
    assert "Night trains to Vienna" not in html
    assert "Guides for every trip" in html


def test_the_profile_keeps_only_the_top_interests(
    consenting: Client, alice: Member, settings: Any
) -> None:
    settings.PETITE_ADS_PROFILE_SIZE = 2
    for n in range(4):
        InterestFactory.create(contexts=[f"article:s{n}"])
    for n, views in enumerate((3, 1, 2, 4)):
        for _view in range(views):
            actions.note_view(member=alice, context=f"article:s{n}")

    kept = sorted(ProfileInterest.objects.filter(member=alice).values_list("weight", flat=True))
    assert kept == [3, 4]  # s0 (3 views) and s3 (4), which replaced the weakest


def test_interests_not_seen_for_30_days_drop_out(alice: Member, travel: InterestCategory) -> None:
    with time_machine.travel(timezone.now() - dt.timedelta(days=31), tick=False):
        actions.note_view(member=alice, context="article:travel")

    assert list(ProfileInterest.objects.filter(member=alice)) != []
    assert list(selectors.profile_of(alice)) == []
    retention.purge_expired()
    assert not ProfileInterest.objects.filter(member=alice).exists()


def test_frequency_capping_for_consenting_members_only(
    consenting: Client,
    article: Article,
    alice: Member,
    personalised_campaign: Campaign,
    settings: Any,
) -> None:
    settings.PETITE_ADS_FREQUENCY_CAP = 2
    shown = [("Night trains to Vienna" in page(consenting, article)) for _ in range(4)]

    assert shown == [True, True, False, False]
    assert Exposure.objects.get(member=alice).shown == 2


def test_a_blocked_advertiser_is_never_shown(
    consenting: Client, article: Article, alice: Member, personalised_campaign: Campaign
) -> None:
    response = consenting.post(
        "/ads/profile/block/", {"advertiser": personalised_campaign.advertiser.pk}
    )
    assert response.status_code == 302

    assert "Night trains to Vienna" not in page(consenting, article)
    assert BlockedAdvertiser.objects.filter(member=alice).count() == 1


@pytest.mark.parametrize("data", [{}, {"interest": "x"}, {"interest": "999999"}])
def test_bad_input_on_the_profile_is_refused_and_changes_nothing(
    consenting: Client, alice: Member, travel: InterestCategory, data: dict[str, str]
) -> None:
    actions.add_interest(member=alice, interest=travel)

    response = consenting.post("/ads/profile/remove/", data)

    assert response.status_code == 400
    assert (
        "Choose an interest" in response.content.decode() or "required" in response.content.decode()
    )
    assert ProfileInterest.objects.filter(member=alice).count() == 1


def test_the_member_sees_their_profile_in_plain_words(
    consenting: Client, alice: Member, travel: InterestCategory
) -> None:
    actions.note_view(member=alice, context="article:travel")

    html = consenting.get("/ads/profile/").content.decode()

    assert "Travel" in html
    assert "from 1 page viewed" in html
    french = consenting.get("/fr/ads/profile/").content.decode()
    assert "Voyages" in french
    assert "Votre profil publicitaire" in french


@pytest.mark.parametrize(
    ("name_en", "name_fr"),
    [
        ("Health and fitness", "Santé"),
        ("Religion", "Religions"),
        ("Political news", "Actualité"),
        ("Dating", "Rencontres"),
        ("Trade union life", "Vie syndicale"),
        ("Ethnic food", "Cuisine"),
    ],
)
def test_an_art_9_category_cannot_be_created_in_the_taxonomy(
    staff: Member, name_en: str, name_fr: str
) -> None:
    with pytest.raises(ActionRefused):
        actions.save_interest_category(
            actor=staff, interest=InterestCategory(key="k", name_en=name_en, name_fr=name_fr)
        )
    assert not InterestCategory.objects.exists()


def test_an_art_9_category_cannot_be_created_in_the_back_office(staff_client: Client) -> None:
    response = staff_client.post(
        "/back-office/ads/interestcategory/add/",
        {"key": "faith", "name_en": "Faith", "name_fr": "Foi et croyances", "contexts": ""},
    )

    assert response.status_code == 200
    assert "cannot be used for advertising" in response.content.decode()
    assert not InterestCategory.objects.exists()


def test_ordinary_interests_are_accepted(staff: Member) -> None:
    for name_en, name_fr in [
        ("Travel", "Voyages"),
        ("Racing", "Courses"),
        ("Foie gras", "Foie gras"),
    ]:
        actions.save_interest_category(
            actor=staff,
            interest=InterestCategory(
                key=name_en.lower().replace(" ", "-"), name_en=name_en, name_fr=name_fr
            ),
        )
    assert InterestCategory.objects.count() == 3


def test_a_report_cell_of_49_impressions_is_suppressed_and_50_is_shown(
    staff: Member, advertiser: Advertiser
) -> None:
    first = campaign(advertiser, headline="First")
    today = timezone.localdate()
    DailyCount.objects.create(campaign=first, day=today, impressions=49, clicks=0)
    DailyCount.objects.create(
        campaign=first, day=today - dt.timedelta(days=1), impressions=50, clicks=50
    )

    report = actions.hand_over_report(
        actor=staff, advertiser=advertiser, first_day=today - dt.timedelta(days=7), last_day=today
    )

    cells = {row["day"]: (row["impressions"], row["clicks"]) for row in report.rows}
    assert cells[today.isoformat()] == (None, None)
    assert cells[(today - dt.timedelta(days=1)).isoformat()] == (50, 50)
    assert report.suppressed_cells == 2
    logged = Disclosure.objects.get(recipient="advertisers")
    assert logged.member is None
    assert logged.recipient_name == "Rail Tours"
    assert str(report.pk) in logged.reference


def test_reports_hold_no_identifier(staff: Member, advertiser: Advertiser, alice: Member) -> None:
    first = campaign(advertiser, headline="First")
    DailyCount.objects.create(campaign=first, day=timezone.localdate(), impressions=500, clicks=60)

    report = actions.hand_over_report(
        actor=staff,
        advertiser=advertiser,
        first_day=timezone.localdate(),
        last_day=timezone.localdate(),
    )

    text = str(report.rows)
    assert alice.email not in text
    assert set(report.rows[0]) == {"campaign", "day", "impressions", "clicks"}


def test_a_report_through_the_back_office(staff_client: Client, advertiser: Advertiser) -> None:
    today = timezone.localdate().isoformat()
    response = staff_client.post(
        f"/back-office/ads/advertiser/{advertiser.pk}/report/",
        {"first_day": today, "last_day": today},
    )

    assert response.status_code == 302
    assert Report.objects.filter(advertiser=advertiser).count() == 1


def test_a_click_is_counted_and_goes_only_to_the_advertisers_address(
    contextual_campaign: Campaign, article: Article
) -> None:
    html = page(Client(), article)
    go = re.search(r'href="(/ads/go/[^"]+)"', html)
    assert go

    response = Client().get(go.group(1))

    assert response.status_code == 302
    assert response["Location"] == "https://advertiser.example/"
    assert DailyCount.objects.get(campaign=contextual_campaign).clicks == 1
    assert Client().get("/ads/go/forged:token/").status_code == 404
    assert Client().get("/ads/why/forged:token/").status_code == 404


@pytest.mark.usefixtures("personalised_campaign")
def test_the_budget_in_impressions_ends_a_campaign(
    consenting: Client, article: Article, personalised_campaign: Campaign
) -> None:
    personalised_campaign.budget_impressions = 1
    personalised_campaign.save()

    assert "Night trains" in page(consenting, article)
    assert "Night trains" not in page(consenting, article)


@pytest.mark.django_db(transaction=True)
def test_the_ad_profile_is_exported_and_erased_with_the_member(
    alice: Member, travel: InterestCategory, advertiser: Advertiser
) -> None:
    actions.note_view(member=alice, context="article:travel")
    actions.block_advertiser(member=alice, advertiser=advertiser)
    buffer = io.BytesIO()
    export.write_archive(alice, buffer)
    with zipfile.ZipFile(buffer) as archive:
        records = json.loads(archive.read("data.json"))["records"]
    counts = {record["model"]: record["count"] for record in records}
    assert counts["ads.ProfileInterest"] == 1
    assert counts["ads.BlockedAdvertiser"] == 1

    erasure.erase_member(member=alice, reason="test")

    assert not ProfileInterest.objects.exists()
    assert not BlockedAdvertiser.objects.exists()


def test_a_campaign_is_created_in_the_back_office_with_an_audit_record(
    staff_client: Client, advertiser: Advertiser, travel: InterestCategory
) -> None:
    from petite.core.models import AuditEvent

    today = timezone.localdate()
    response = staff_client.post(
        "/back-office/ads/campaign/add/",
        {
            "advertiser": advertiser.pk,
            "name": "Spring trains",
            "starts_on": today.isoformat(),
            "ends_on": (today + dt.timedelta(days=10)).isoformat(),
            "budget_impressions": "500",
            "on_articles": "on",
            "interests": [travel.pk],
            "contexts": "article:travel\narticle:food",
            "creatives-TOTAL_FORMS": "1",
            "creatives-INITIAL_FORMS": "0",
            "creatives-0-headline": "Spring trains",
            "creatives-0-text": "",
            "creatives-0-destination": "https://rail.example/spring",
            "creatives-0-image_alt": "",
            "daily-TOTAL_FORMS": "0",
            "daily-INITIAL_FORMS": "0",
        },
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    created = Campaign.objects.get(name="Spring trains")
    assert created.contexts == ["article:travel", "article:food"]
    assert list(created.interests.all()) == [travel]
    assert created.creatives.count() == 1
    assert AuditEvent.objects.filter(action="ads.inventory_saved").count() == 2


def test_campaign_dates_must_be_in_order(staff_client: Client, advertiser: Advertiser) -> None:
    response = staff_client.post(
        "/back-office/ads/campaign/add/",
        {
            "advertiser": advertiser.pk,
            "name": "Backwards",
            "starts_on": "2026-12-10",
            "ends_on": "2026-12-01",
            "budget_impressions": "5",
            "creatives-TOTAL_FORMS": "0",
            "creatives-INITIAL_FORMS": "0",
            "daily-TOTAL_FORMS": "0",
            "daily-INITIAL_FORMS": "0",
        },
    )

    assert response.status_code == 200
    assert "The last day comes before the first." in response.content.decode()
    assert not Campaign.objects.exists()
