"""Benchmark: what the staff access log (S4, SEC1) costs a back-office page.

In one process, on a fresh SQLite database: a support agent (two-factor on) opens the
help-desk queue (50 requests from 50 members, every row logged) and one request's page,
alternately with ``PETITE_ACCESS_LOG`` on and off, in rounds, so machine drift hits
both sides alike. Prints pages per second and the ratio; writes bench/RESULTS.md.
Target: the log costs at most 5% of back-office throughput.

    uv run python bench/access_log.py [--seconds 5] [--rounds 3]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT))
from results import write_section  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=5)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    os.environ["PETITE_VAR_DIR"] = tempfile.mkdtemp(prefix="petite-bench-")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    # Django must be configured before its models are imported.
    import django

    django.setup()
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
    from django.conf import settings
    from django.contrib.auth.models import Group
    from django.core.management import call_command
    from django.test import Client
    from django.test.utils import setup_test_environment

    from petite.accounts.models import Member
    from petite.privacy import roles
    from petite.support import actions
    from petite.support.models import HelpRequest

    setup_test_environment()
    settings.ALLOWED_HOSTS = ["*"]
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    call_command("migrate", verbosity=0)
    roles.sync_groups()
    agent = Member.objects.create_user(
        email="agent@bench.example", password=None, first_name="A", last_name="B", is_staff=True
    )
    agent.groups.add(Group.objects.get(name=roles.SUPPORT_AGENT.group))
    TOTP.activate(agent, generate_totp_secret())
    first = None
    for n in range(50):
        member = Member.objects.create_user(
            email=f"m{n}@bench.example", password=None, first_name="M", last_name=str(n)
        )
        request = actions.open_request(
            name=f"M {n}",
            email=member.email,
            subject=f"Question {n}",
            body="Hello",
            channel=HelpRequest.Channel.WEB,
            member=member,
            acknowledged=False,
        )
        first = first or request
    assert first is not None
    client = Client()
    client.force_login(agent)
    pages = [
        "/back-office/support/helprequest/",
        f"/back-office/support/helprequest/{first.pk}/change/",
    ]
    for page in pages:
        assert client.get(page).status_code == 200, page

    def measure(on: bool) -> float:
        settings.PETITE_ACCESS_LOG = on
        count, started = 0, time.perf_counter()
        while time.perf_counter() - started < args.seconds:
            for page in pages:
                client.get(page)
                count += 1
        return count / (time.perf_counter() - started)

    measure(True)  # warm-up
    on_rates, off_rates = [], []
    for _ in range(args.rounds):
        on_rates.append(measure(True))
        off_rates.append(measure(False))
    on, off = statistics.median(on_rates), statistics.median(off_rates)
    cost = (1 - on / off) * 100
    from petite.privacy.access import AccessRecord

    lines = AccessRecord.objects.count()
    print(
        f"log on: {on:.1f} pages/s, off: {off:.1f} pages/s, ratio {on / off:.3f} (cost {cost:.1f}%), {lines} access lines"
    )
    write_section(
        "## Staff access log (S4, SEC1)\n\n"
        "`uv run python bench/access_log.py` - a support agent alternates the help-desk queue "
        "(50 requests of 50 members, each row logged) and one request's page, in-process "
        f"(Django test client, SQLite), log on and off, {args.rounds} rounds of {args.seconds:g} s.\n\n"
        f"| log | pages/s (median) |\n|---|---|\n| on | {on:.1f} |\n| off | {off:.1f} |\n\n"
        f"Ratio on/off: **{on / off:.3f}** (cost {cost:.1f}%; target at most 5%). "
        f"Access lines written: {lines} (coalesced per viewer, member and hour).\n"
    )


if __name__ == "__main__":
    main()
