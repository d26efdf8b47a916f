"""Benchmark: export and erasure of a heavy member (U3, U5).

The heavy member has 100,000 connection rows, 10,000 usage rows, a Portrait with
an encrypted address and 1,000 contact messages. The database around them holds
1,000, then 100,000 other members (each with an e-mail address, connection rows,
usage rows, and one in five with a Portrait). For each database engine (SQLite,
and PostgreSQL when one answers on 127.0.0.1:5432) and each size, a fresh process
measures:

- export: ``petite.privacy.export.write_archive`` to a ZIP file;
- erasure: ``petite.privacy.erasure.erase_member`` minus its verification scan,
  and the scan on its own (it reads every text column of every table, so its cost
  follows the database's size: that growth is reported, not targeted).

Targets (issue 3): export and erasure each ≤ 2 s; time ratio between the two
database sizes ≤ 1.5; peak memory ≤ 200 MB. Prints the figures and writes them
to bench/RESULTS.md.

    uv run python bench/rights.py [--sizes 1000 100000] [--no-postgres]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
from results import peak_mb, postgres_available, psql, write_section  # noqa: E402

HEAVY_CONNECTIONS = 100_000
HEAVY_USAGE = 10_000
HEAVY_MESSAGES = 1_000
TARGET_SECONDS = 2.0
TARGET_RATIO = 1.5
TARGET_MB = 200


def django_setup(database_url: str, var_dir: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ["PETITE_VAR_DIR"] = var_dir
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    import django

    django.setup()


# --- Building the database (child process "setup") ---------------------------------


def populate(others: int) -> None:
    from datetime import date, timedelta

    from allauth.account.models import EmailAddress
    from django.contrib.auth.hashers import make_password
    from django.core.management import call_command
    from django.utils import timezone

    from petite.accounts.models import ConnectionEvent, Member, UsageCount
    from petite.contact.models import ContactMessage
    from petite.portraits.models import Portrait

    call_command("migrate", verbosity=0)
    password = make_password("bench passphrase long enough")
    now = timezone.now()
    areas = [
        "home",
        "portraits",
        "contact",
        "account",
        "privacy",
        "rights",
        "data",
        "help",
        "ads",
        "news",
    ]

    def member(i: int, first: str) -> Member:
        return Member(
            email=f"{first.lower()}.{i}" + "@" + "bench.example",
            first_name=first,
            last_name=f"Member{i:06d}",
            password=password,
        )

    batch = 5_000
    for start in range(0, others, batch):
        chunk = Member.objects.bulk_create(
            [member(i, "Other") for i in range(start, min(others, start + batch))]
        )
        EmailAddress.objects.bulk_create(
            [EmailAddress(user=m, email=m.email, primary=True, verified=True) for m in chunk]
        )
        ConnectionEvent.objects.bulk_create(
            [
                ConnectionEvent(
                    member=m,
                    succeeded=True,
                    method="password",
                    ip="90.0.0.1",
                    user_agent="Firefox",
                    country_code="FR",
                    created_at=now - timedelta(hours=k),
                )
                for m in chunk
                for k in range(3)
            ]
        )
        UsageCount.objects.bulk_create(
            [
                UsageCount(member=m, day=date.today() - timedelta(days=k), area="home", count=3)
                for m in chunk
                for k in range(2)
            ]
        )
        for m in chunk[::5]:
            Portrait.objects.create(
                member=m,
                display_name=m.first_name,
                street="1 rue de la Paix",
                postcode="75002",
                city="Paris",
                country="FR",
            )

    heavy = Member.objects.create(
        email="heavy.member" + "@" + "bench.example",
        first_name="Hortense",
        last_name="Lourdeville",
        password=password,
    )
    EmailAddress.objects.create(user=heavy, email=heavy.email, primary=True, verified=True)
    Portrait.objects.create(
        member=heavy,
        display_name="Hortense L.",
        bio="Heavy user.",
        interests="everything",
        street="42 avenue des Mesures",
        postcode="69007",
        city="Lyon",
        country="FR",
    )
    for start in range(0, HEAVY_CONNECTIONS, 10_000):
        ConnectionEvent.objects.bulk_create(
            [
                ConnectionEvent(
                    member=heavy,
                    succeeded=k % 10 != 0,
                    method="password",
                    ip="90.0.0.1",
                    user_agent="Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0",
                    country_code="FR",
                    country_name="France",
                    network_name="Orange",
                    created_at=now - timedelta(minutes=k),
                )
                for k in range(start, start + 10_000)
            ]
        )
    UsageCount.objects.bulk_create(
        [
            UsageCount(
                member=heavy,
                day=date.today() - timedelta(days=k // 10),
                area=areas[k % 10],
                count=k % 50 + 1,
            )
            for k in range(HEAVY_USAGE)
        ],
        batch_size=5_000,
    )
    ContactMessage.objects.bulk_create(
        [
            ContactMessage(
                member=heavy,
                name="Hortense Lourdeville",
                email=heavy.email,
                subject=f"Question {k}",
                message="A question about my account. " * 5,
                language="fr",
            )
            for k in range(HEAVY_MESSAGES)
        ],
        batch_size=1_000,
    )


# --- Measuring (child processes "export" and "erase") -------------------------------


def heavy_member() -> Any:
    from petite.accounts.models import Member

    return Member.objects.get(email="heavy.member" + "@" + "bench.example")


def measure_export(out_dir: str) -> dict[str, Any]:
    from petite.privacy.export import write_archive

    member = heavy_member()
    before = peak_mb()
    path = Path(out_dir) / "export.zip"
    started = time.perf_counter()
    write_archive(member, str(path))
    seconds = time.perf_counter() - started
    return {
        "seconds": seconds,
        "peak_mb": peak_mb(),
        "baseline_mb": before,
        "zip_mb": path.stat().st_size / 1e6,
    }


def measure_erase() -> dict[str, Any]:
    from petite.privacy.erasure import erase_member

    member = heavy_member()
    before = peak_mb()
    started = time.perf_counter()
    receipt = erase_member(member=member, reason="benchmark")
    total = time.perf_counter() - started
    scan_seconds = float(receipt.scan.get("duration_ms", 0)) / 1000
    return {
        "seconds": total - scan_seconds,
        "scan_seconds": scan_seconds,
        "scan_clean": receipt.scan.get("clean"),
        "peak_mb": peak_mb(),
        "baseline_mb": before,
        "deleted": sum(
            v.get("deleted", 0) for v in receipt.outcome.values() if isinstance(v, dict)
        ),
    }


def child(args: argparse.Namespace) -> None:
    django_setup(args.database_url, args.var_dir)
    if args.child == "setup":
        populate(args.others)
        result: dict[str, Any] = {"ok": True}
    elif args.child == "export":
        result = measure_export(args.var_dir)
    else:
        result = measure_erase()
    print("RESULT " + json.dumps(result))


# --- Orchestration --------------------------------------------------------------------


def run_child(kind: str, database_url: str, var_dir: str, others: int) -> dict[str, Any]:
    completed = subprocess.run(
        [
            sys.executable,
            __file__,
            "--child",
            kind,
            "--database-url",
            database_url,
            "--var-dir",
            var_dir,
            "--others",
            str(others),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    for line in completed.stdout.splitlines():
        if line.startswith("RESULT "):
            return dict(json.loads(line[7:]))
    raise RuntimeError(f"{kind} failed:\n{completed.stdout[-3000:]}\n{completed.stderr[-3000:]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 100_000])
    parser.add_argument("--no-postgres", action="store_true")
    parser.add_argument("--child", choices=["setup", "export", "erase"])
    parser.add_argument("--database-url")
    parser.add_argument("--var-dir")
    parser.add_argument("--others", type=int, default=0)
    args = parser.parse_args()
    if args.child:
        child(args)
        return

    engines = ["sqlite"] + ([] if args.no_postgres or not postgres_available() else ["postgresql"])
    rows: list[dict[str, Any]] = []
    for engine in engines:
        for others in args.sizes:
            with tempfile.TemporaryDirectory(prefix="petite-bench-") as var_dir:
                if engine == "sqlite":
                    url = f"sqlite:///{var_dir}/bench.sqlite3"
                else:
                    name = f"petite_bench_{os.getpid()}_{others}"
                    psql(f"CREATE DATABASE {name}")
                    url = f"postgres://postgres@127.0.0.1:5432/{name}"
                try:
                    started = time.perf_counter()
                    run_child("setup", url, var_dir, others)
                    print(
                        f"{engine}, {others:,} other members: database built in {time.perf_counter() - started:.0f} s"
                    )
                    export = run_child("export", url, var_dir, others)
                    erase = run_child("erase", url, var_dir, others)
                finally:
                    if engine == "postgresql":
                        psql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
                row = {"engine": engine, "others": others, "export": export, "erase": erase}
                rows.append(row)
                print(
                    f"  export {export['seconds']:.2f} s (peak {export['peak_mb']:.0f} MB),"
                    f" erasure {erase['seconds']:.2f} s (peak {erase['peak_mb']:.0f} MB),"
                    f" scan {erase['scan_seconds']:.2f} s (clean: {erase['scan_clean']})"
                )
    write_results(rows, args.sizes)


def write_results(rows: list[dict[str, Any]], sizes: list[int]) -> None:
    small, large = min(sizes), max(sizes)
    lines = [
        "## Export and erasure of a heavy member (U3, U5)",
        "",
        f"`uv run python bench/rights.py`, on this machine ({os.cpu_count()} cores, Python {platform.python_version()}).",
        f"Heavy member: {HEAVY_CONNECTIONS:,} connection rows, {HEAVY_USAGE:,} usage rows, a Portrait,"
        f" {HEAVY_MESSAGES:,} contact messages. Each figure is one run in a fresh process;"
        " peak memory is the process's maximum resident set size (Django included).",
        "",
        "| engine | other members | export (s) | export peak (MB) | erasure (s) | erasure peak (MB) | scan (s) | scan clean |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        lines.append(
            f"| {r['engine']} | {r['others']:,} | {r['export']['seconds']:.2f} | {r['export']['peak_mb']:.0f}"
            f" | {r['erase']['seconds']:.2f} | {r['erase']['peak_mb']:.0f} | {r['erase']['scan_seconds']:.2f}"
            f" | {r['erase']['scan_clean']} |"
        )
    lines += [
        "",
        "| engine | ratio export large/small | ratio erasure large/small | scan growth large/small |",
        "|---|---|---|---|",
    ]
    verdicts = []
    for engine in sorted({r["engine"] for r in rows}):
        by = {r["others"]: r for r in rows if r["engine"] == engine}
        if small not in by or large not in by:
            continue
        ex = by[large]["export"]["seconds"] / by[small]["export"]["seconds"]
        er = by[large]["erase"]["seconds"] / by[small]["erase"]["seconds"]
        sc = by[large]["erase"]["scan_seconds"] / max(by[small]["erase"]["scan_seconds"], 1e-9)
        lines.append(f"| {engine} | {ex:.2f} | {er:.2f} | {sc:.1f} |")
        verdicts.append((engine, ex, er))
    worst_time = max(max(r["export"]["seconds"], r["erase"]["seconds"]) for r in rows)
    worst_mb = max(max(r["export"]["peak_mb"], r["erase"]["peak_mb"]) for r in rows)
    worst_ratio = max((max(ex, er) for _, ex, er in verdicts), default=0.0)
    lines += [
        "",
        f"Slowest export or erasure: **{worst_time:.2f} s** (target ≤ {TARGET_SECONDS:g} s: "
        f"{'met' if worst_time <= TARGET_SECONDS else 'MISSED'}); worst size ratio **{worst_ratio:.2f}** "
        f"(target ≤ {TARGET_RATIO:g}: {'met' if worst_ratio <= TARGET_RATIO else 'MISSED'}); "
        f"highest peak **{worst_mb:.0f} MB** (target ≤ {TARGET_MB} MB: {'met' if worst_mb <= TARGET_MB else 'MISSED'}).",
        "",
    ]
    for line in lines:
        print(line)
    write_section("\n".join(lines))


if __name__ == "__main__":
    main()
