"""Benchmark: what connection and usage logging (R1.2) cost a member page.

One granian server configuration, started alternately with logging on and off
(``PETITE_ACTIVITY_LOGGING``) on the same SQLite database, serves a signed-in
member's page to a keep-alive HTTP client. Rounds alternate (on, off, on, off...)
so that drift in the machine's speed affects both sides alike. Prints requests per
second and the ratio, and writes them to bench/RESULTS.md. Target: logging costs at
most 5%.

    uv run python bench/logging_middleware.py [--seconds 8] [--rounds 3]
"""

from __future__ import annotations

import argparse
import http.client
import os
import platform
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
from results import write_section  # noqa: E402

PAGE = "/account/security/"
sys.path.insert(0, str(ROOT))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def prepare(var_dir: Path) -> str:
    """Migrate a fresh database, create a verified member and return the Cookie header of
    their browser: a session, and the consent cookie accepting audience measurement (P2),
    without which nothing is counted and there would be nothing to measure."""
    os.environ["PETITE_VAR_DIR"] = str(var_dir)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from allauth.account.models import EmailAddress
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.core.management import call_command

    from petite.accounts.models import Member
    from petite.consent import cookies as consent_cookies

    call_command("migrate", verbosity=0)
    member = Member.objects.create_user(
        "bench@example.org", "bench passphrase long enough", first_name="Bench", last_name="Member"
    )
    EmailAddress.objects.create(user=member, email=member.email, primary=True, verified=True)
    session = SessionStore()
    session[SESSION_KEY] = str(member.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = member.get_session_auth_hash()
    session.create()
    # Already linked to the member (its tag), as after their first page: no extra write.
    choice = consent_cookies.Choice(
        visitor_id=consent_cookies.new_visitor_id(),
        consents={"audience": True, "ads": False},
        member_tag=consent_cookies.member_tag(member),
    )
    return (
        f"{settings.SESSION_COOKIE_NAME}={session.session_key}; "
        f"{settings.PETITE_CONSENT_COOKIE_NAME}={consent_cookies.encode(choice)}"
    )


def start_server(var_dir: Path, port: int, logging_on: bool) -> subprocess.Popen[bytes]:
    env = dict(
        os.environ, PETITE_VAR_DIR=str(var_dir), PETITE_ACTIVITY_LOGGING="1" if logging_on else "0"
    )
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "granian",
            "--interface",
            "wsgi",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--workers",
            "1",
            "--log-level",
            "warning",
            "config.wsgi:application",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return server
        except OSError:
            time.sleep(0.1)
    server.kill()
    raise RuntimeError(
        "granian did not start: " + (server.stderr.read().decode() if server.stderr else "")
    )


def load(port: int, cookie: str, seconds: float, clients: int) -> float:
    """Requests per second over ``seconds`` with ``clients`` keep-alive connections."""
    counts = [0] * clients
    failures: list[str] = []
    stop_at = time.monotonic() + seconds

    def client(index: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        while time.monotonic() < stop_at:
            conn.request("GET", PAGE, headers={"Cookie": cookie})
            response = conn.getresponse()
            response.read()
            if response.status != 200:
                failures.append(f"HTTP {response.status}")
                return
            counts[index] += 1
        conn.close()

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if failures:
        raise RuntimeError(f"{PAGE} answered {failures[0]}: is the member signed in?")
    return sum(counts) / (time.monotonic() - started)


def counted_pages() -> int:
    """Pages counted by the rounds with logging on: none means the consent cookie was
    not honoured and the benchmark would compare nothing with nothing."""
    from django.db.models import Sum

    from petite.accounts.models import UsageCount

    counted = UsageCount.objects.aggregate(total=Sum("count"))["total"] or 0
    if not counted:
        raise RuntimeError("No page was counted: is audience measurement consented to?")
    return int(counted)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=8.0)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--clients", type=int, default=4)
    args = parser.parse_args()

    var_dir = Path(tempfile.mkdtemp(prefix="petite-bench-"))
    try:
        cookie = prepare(var_dir)
        results: dict[bool, list[float]] = {True: [], False: []}
        for round_number in range(args.rounds):
            for logging_on in (True, False) if round_number % 2 == 0 else (False, True):
                port = free_port()
                server = start_server(var_dir, port, logging_on)
                try:
                    load(port, cookie, 1.5, args.clients)  # warm-up
                    rps = load(port, cookie, args.seconds, args.clients)
                finally:
                    server.terminate()
                    server.wait(timeout=10)
                results[logging_on].append(rps)
                print(
                    f"round {round_number + 1}: logging {'on ' if logging_on else 'off'} {rps:8.1f} req/s"
                )
        counted_pages()  # the rounds with logging on really counted
        with_logging = statistics.median(results[True])
        without = statistics.median(results[False])
        ratio = with_logging / without
        cost = (1 - ratio) * 100
        verdict = "meets" if cost <= 5 else "MISSES"
        print(f"median with logging {with_logging:.1f} req/s, without {without:.1f} req/s")
        print(f"ratio {ratio:.3f}: logging costs {cost:.1f}% ({verdict} the 5% target)")
        write_results(with_logging, without, ratio, cost, verdict, args)
    finally:
        shutil.rmtree(var_dir, ignore_errors=True)


def write_results(
    with_logging: float,
    without: float,
    ratio: float,
    cost: float,
    verdict: str,
    args: argparse.Namespace,
) -> None:
    section = "## Connection and usage logging (R1.2)"
    body = "\n".join(
        [
            section,
            "",
            f"`uv run python bench/logging_middleware.py --seconds {args.seconds:g} --rounds {args.rounds}"
            f" --clients {args.clients}`, on this machine"
            f" ({os.cpu_count()} cores, Python {platform.python_version()}, SQLite, granian 1 worker),"
            f" GET {PAGE} as a signed-in member, median of {args.rounds} alternating rounds.",
            "",
            "| | requests/s |",
            "|---|---|",
            f"| logging on (usage counts + session activity) | {with_logging:.1f} |",
            f"| logging off | {without:.1f} |",
            f"| ratio on/off | {ratio:.3f} |",
            "",
            f"Logging costs **{cost:.1f}%** of throughput: it {verdict} the target of at most 5%.",
            "",
        ]
    )
    write_section(body)


if __name__ == "__main__":
    main()
