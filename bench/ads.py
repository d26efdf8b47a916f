"""Benchmark: what choosing and rendering an advertisement adds to a page (P7).

The same article page, served in-process through Django's whole middleware stack
on a fresh SQLite database, alternately with advertising on and off
(``PETITE_ADS_ENABLED``), for a visitor (contextual ads) and for a signed-in member
who agreed to personalised advertising (the profile is updated and the ad chosen
from it on every page). Requests alternate on/off so that drift in the machine's
speed affects both sides alike. Prints p50/p95 per side, the p95 added by ads and
the ratio, and writes them to bench/RESULTS.md. Target: at most 5 ms added at p95.

    uv run python bench/ads.py [--requests 600]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT))
from results import write_section  # noqa: E402

TARGET_MS = 5.0


def setup(var_dir: Path) -> tuple[object, object, str]:
    os.environ["PETITE_VAR_DIR"] = str(var_dir)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from allauth.account.models import EmailAddress
    from django.conf import settings
    from django.core.management import call_command
    from django.test import Client
    from django.utils import timezone

    from petite.accounts.models import Member
    from petite.ads.models import Advertiser, Campaign, Creative, InterestCategory
    from petite.comments.models import Article, Section
    from petite.consent import cookies as consent_cookies

    call_command("migrate", verbosity=0)
    settings.ALLOWED_HOSTS = ["*"]
    today = timezone.localdate()
    sections = [s.value for s in Section]
    interests = [
        InterestCategory.objects.create(
            key=f"i{n}",
            name_en=f"Interest {n}",
            name_fr=f"Intérêt {n}",
            contexts=[f"article:{sections[n % len(sections)]}"],
        )
        for n in range(12)
    ]
    for n in range(20):
        advertiser = Advertiser.objects.create(name=f"Advertiser {n}")
        campaign = Campaign.objects.create(
            advertiser=advertiser,
            name=f"Campaign {n}",
            starts_on=today - dt.timedelta(days=1),
            ends_on=today + dt.timedelta(days=30),
            budget_impressions=10**9,
            on_home=True,
            on_articles=True,
            on_offers=True,
            contexts=[f"article:{sections[n % len(sections)]}"],
        )
        campaign.interests.set(interests[n % 12 : n % 12 + 2])
        Creative.objects.create(
            campaign=campaign,
            headline=f"Headline {n}",
            text="Text",
            destination="https://example.org/",
        )
    article = Article.objects.create(
        slug="bench",
        section=Section.TRAVEL,
        title_en="Bench",
        body_en="Some **text**.",
        published=True,
    )
    member = Member.objects.create_user(
        "bench@example.org", "bench passphrase long enough", first_name="Bench", last_name="Member"
    )
    EmailAddress.objects.create(user=member, email=member.email, primary=True, verified=True)
    settings.PETITE_ADS_FREQUENCY_CAP = 10**9  # every request chooses an ad
    member_client = Client()
    member_client.force_login(member)
    choice = consent_cookies.Choice(
        visitor_id=consent_cookies.new_visitor_id(),
        consents={"audience": False, "ads": True},
        member_tag=consent_cookies.member_tag(member),
    )
    member_client.cookies[settings.PETITE_CONSENT_COOKIE_NAME] = consent_cookies.encode(choice)
    return Client(), member_client, article.get_absolute_url()


def measure(client: object, url: str, requests: int) -> tuple[list[float], list[float], int]:
    from django.conf import settings

    on: list[float] = []
    off: list[float] = []
    with_ad = 0
    for n in range(requests * 2 + 40):
        enabled = n % 2 == 0
        settings.PETITE_ADS_ENABLED = enabled
        start = time.perf_counter()
        response = client.get(url)  # type: ignore[attr-defined]
        elapsed = (time.perf_counter() - start) * 1000
        assert response.status_code == 200, response.status_code
        if n < 40:  # warm-up
            continue
        (on if enabled else off).append(elapsed)
        if enabled and b"Advertisement" in response.content:
            with_ad += 1
    return on, off, with_ad


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=600)
    args = parser.parse_args()
    load_start = os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as tmp:
        visitor, member, url = setup(Path(tmp))
        rows = []
        for name, client in (
            ("visitor (contextual)", visitor),
            ("member who agreed (personalised)", member),
        ):
            on, off, with_ad = measure(client, url, args.requests)
            added = p95(on) - p95(off)
            rows.append(
                (
                    name,
                    statistics.median(off),
                    p95(off),
                    statistics.median(on),
                    p95(on),
                    added,
                    p95(on) / p95(off),
                    with_ad,
                    len(on),
                )
            )
    load_end = os.getloadavg()[0]
    worst = max(r[5] for r in rows)
    lines = [
        "## Advertising cost per page (P7)",
        "",
        f"`uv run python bench/ads.py --requests {args.requests}`, on this machine "
        f"({os.cpu_count()} cores, Python {platform.python_version()}). The same article page through "
        "Django's whole middleware stack (in-process, SQLite), requests alternating ads on / off; "
        "12 interests, 20 running campaigns. Load average (1 min) at start and end: "
        f"{load_start:.1f}, {load_end:.1f} (other work on the machine slows every figure).",
        "",
        "| who | p50 off (ms) | p95 off (ms) | p50 on (ms) | p95 on (ms) | p95 added (ms) | p95 ratio on/off | pages with an ad |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for name, m_off, p_off, m_on, p_on, added, ratio, with_ad, total in rows:
        lines.append(
            f"| {name} | {m_off:.2f} | {p_off:.2f} | {m_on:.2f} | {p_on:.2f} | {added:.2f} | {ratio:.2f} | {with_ad}/{total} |"
        )
    verdict = "met" if worst <= TARGET_MS else "MISSED"
    lines += [
        "",
        f"Most added at p95: **{worst:.2f} ms** (target ≤ {TARGET_MS:.0f} ms: {verdict}).",
    ]
    body = "\n".join(lines) + "\n"
    print(body)
    write_section(body)


if __name__ == "__main__":
    main()
