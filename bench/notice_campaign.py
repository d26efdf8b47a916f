"""Benchmark: the notice campaign of a new policy version (E3), through a real SMTP server.

For each database engine (SQLite, and PostgreSQL when one answers on
127.0.0.1:5432) and each number of members (10,000 and 100,000 by default), fresh
processes:

1. build the database: N active members (70% English, 30% French readers), the
   notice in force recorded as version 1, a changed notice published as version 2;
2. start an SMTP server (aiosmtpd, in its own process, on 127.0.0.1) that counts
   the messages it accepts and their Message-IDs;
3. run the campaign as task workers do (two by default, side by side): the first
   runs ``start_notice_campaign`` (plans one notice per member), then every worker
   runs ``send_policy_notices`` batch after batch until nothing is due, with the
   platform's SMTP mailer pointed at the server.

It prints messages per second, planning time, peak memory (maximum resident set
size of the largest sending process, Django included) and the large/small ratios, checks
that the server received exactly one message per member, and writes its section
of bench/RESULTS.md. With ``--kill``, the largest run is also done again with the
sending processes killed (SIGKILL) halfway and new ones started once the claims'
lease has expired, counting duplicates and misses.

    uv run python bench/notice_campaign.py [--sizes 10000 100000] [--workers 2] [--no-postgres] [--kill]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import signal
import socket
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

BATCH_SIZE = 500
LEASE_SECONDS = 3  # short, so that the killed run can be resumed quickly
TARGET_PER_SECOND = 1_000  # issue 4: a million members notified in under 17 minutes
FRENCH_EVERY = 10  # members 0, 3, 6 of every 10 read French (30%)


def child_env(database_url: str, var_dir: str, smtp_port: int = 0) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        DATABASE_URL=database_url,
        PETITE_VAR_DIR=var_dir,
        # The worker's loop is driven here; enqueued follow-ups are not needed.
        PETITE_TASK_BACKEND="django.tasks.backends.dummy.DummyBackend",
        PETITE_POLICY_NOTICE_BATCH_SIZE=str(BATCH_SIZE),
        PETITE_BULKMAIL_LEASE_SECONDS=str(LEASE_SECONDS),
        PETITE_SITE_URL="https://petite.example",
    )
    if smtp_port:
        env.update(PETITE_EMAIL="smtp", EMAIL_HOST="127.0.0.1", EMAIL_PORT=str(smtp_port))
    return env


# --- The SMTP server (child process "sink") ------------------------------------------------


def sink() -> None:
    """Accept every message, remember its Message-ID; print counts on "report"."""
    import re
    import threading

    from aiosmtpd.controller import Controller

    # The header, found without parsing the whole message: the server must not be
    # what the benchmark measures.
    MESSAGE_ID = re.compile(rb"^Message-ID: *(\S+)", re.MULTILINE | re.IGNORECASE)
    lock = threading.Lock()
    ids: list[str] = []

    class Handler:
        async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
            found = MESSAGE_ID.search(envelope.original_content or b"")
            with lock:
                ids.append(found.group(1).decode() if found else "")
            return "250 OK"

    with socket.socket() as probe:  # aiosmtpd needs a port number: ask the system for a free one
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(Handler(), hostname="127.0.0.1", port=port)
    controller.start()
    print(f"PORT {controller.port}", flush=True)
    for line in sys.stdin:
        if line.strip() == "report":
            with lock:
                print(
                    f"REPORT {json.dumps({'received': len(ids), 'unique': len(set(ids))})}",
                    flush=True,
                )
        elif line.strip() == "quit":
            break
    controller.stop()


class Sink:
    def __init__(self) -> None:
        self.process = subprocess.Popen(
            [sys.executable, __file__, "--child", "sink"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            cwd=ROOT,
        )
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        if not line.startswith("PORT "):
            raise RuntimeError(f"the SMTP server did not start: {line!r}")
        self.port = int(line.split()[1])

    def report(self) -> dict[str, int]:
        assert self.process.stdin is not None
        assert self.process.stdout is not None
        self.process.stdin.write("report\n")
        self.process.stdin.flush()
        line = self.process.stdout.readline()
        return dict(json.loads(line[len("REPORT ") :]))

    def stop(self) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write("quit\n")
        self.process.stdin.flush()
        self.process.wait(timeout=10)


# --- Building the database (child process "setup") ---------------------------------------


def setup(members: int) -> dict[str, Any]:
    import django

    django.setup()
    from datetime import timedelta

    from django.conf import settings
    from django.contrib.auth.hashers import make_password
    from django.core.management import call_command
    from django.utils import timezone

    from petite.accounts.models import Member
    from petite.policies import actions

    call_command("migrate", verbosity=0)
    password = make_password("bench passphrase long enough")
    joined = timezone.now() - timedelta(days=30)
    batch = 5_000
    for start in range(0, members, batch):
        Member.objects.bulk_create(
            [
                Member(
                    email=f"member.{i}" + "@" + "bench.example",
                    first_name="Bench",
                    last_name=f"Member{i:06d}",
                    password=password,
                    language="fr" if i % FRENCH_EVERY in (0, 3, 6) else "en",
                    date_joined=joined,
                )
                for i in range(start, min(members, start + batch))
            ]
        )
    assert actions.prepare_draft().outcome == "initial"
    settings.PETITE_CONTACT_RETENTION_DAYS = 5 * 365  # the notice changes
    draft = actions.prepare_draft().version
    assert draft is not None
    staff = Member.objects.create(
        email="bench.staff" + "@" + "bench.example", is_staff=True, date_joined=joined
    )
    actions.edit_draft(
        version=draft,
        summary_en="Contact messages are now kept for five years.",
        summary_fr="Les messages de contact sont désormais conservés cinq ans.",
        actor=staff,
    )
    version = actions.publish(
        version=draft, effective_at=timezone.now() + timedelta(days=30), actor=staff
    )
    return {"version": version.pk, "recipients": actions.notice_recipients(version).count()}


# --- Sending (child processes "send" and "resume") ----------------------------------------


def send(version_id: int, *, follower: bool = False) -> dict[str, Any]:
    import django

    django.setup()
    from petite.core.models import Delivery
    from petite.policies import selectors, tasks
    from petite.policies.models import PolicyVersion

    baseline = peak_mb()
    version = PolicyVersion.objects.get(pk=version_id)
    started = time.perf_counter()
    if follower:
        # Another worker plans the campaign: start sending once it has.
        while version.campaign_planned_at is None:
            time.sleep(0.05)
            version.refresh_from_db()
    elif version.campaign_planned_at is None:
        tasks.start_notice_campaign.call(version_id)
    planned = time.perf_counter()
    batches = 0
    while True:
        result = tasks.send_policy_notices.call(version_id)
        batches += 1
        if not result or not result.get("waiting"):
            break
        if not selectors.campaign_progress(version).due:
            time.sleep(0.2)  # claims of a killed worker: wait for their lease
    finished = time.perf_counter()
    sent = selectors.notices(version).filter(status=Delivery.Status.SENT).count()
    version.refresh_from_db()
    return {
        "plan_seconds": planned - started,
        "send_seconds": finished - planned,
        "seconds": finished - started,
        "batches": batches,
        "sent": sent,
        "finished": version.campaign_finished_at is not None,
        "peak_mb": peak_mb(),
        "baseline_mb": baseline,
    }


def child(args: argparse.Namespace) -> None:
    if args.child == "sink":
        sink()
        return
    if args.child == "setup":
        result = setup(args.members)
    else:
        result = send(args.version, follower=args.follower)
    print("RESULT " + json.dumps(result), flush=True)


# --- Orchestration --------------------------------------------------------------------------


def command(kind: str, **options: Any) -> list[str]:
    cmd = [sys.executable, __file__, "--child", kind]
    for name, value in options.items():
        cmd += [f"--{name}", str(value)]
    return cmd


def run_child(kind: str, env: dict[str, str], **options: Any) -> dict[str, Any]:
    completed = subprocess.run(
        command(kind, **options), cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    for line in completed.stdout.splitlines():
        if line.startswith("RESULT "):
            return dict(json.loads(line[7:]))
    raise RuntimeError(f"{kind} failed:\n{completed.stdout[-3000:]}\n{completed.stderr[-3000:]}")


def start_workers(env: dict[str, str], version: int, workers: int) -> list[subprocess.Popen[str]]:
    """Task workers sending the campaign side by side: the first plans it."""
    return [
        subprocess.Popen(
            command("send", version=version) + (["--follower"] if index else []),
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for index in range(workers)
    ]


def run_workers(env: dict[str, str], version: int, workers: int) -> dict[str, Any]:
    """Run the workers to the end; the campaign's time is the wall time of them all."""
    started = time.perf_counter()
    processes = start_workers(env, version, workers)
    results = []
    for process in processes:
        out, err = process.communicate()
        found = [line for line in out.splitlines() if line.startswith("RESULT ")]
        if not found:
            raise RuntimeError(f"a sending worker failed:\n{out[-3000:]}\n{err[-3000:]}")
        results.append(json.loads(found[0][7:]))
    seconds = time.perf_counter() - started
    plan = results[0]["plan_seconds"]
    return {
        "workers": workers,
        "plan_seconds": plan,
        "send_seconds": seconds - plan,
        "seconds": seconds,
        "peak_mb": max(r["peak_mb"] for r in results),
        "finished": any(r["finished"] for r in results),
    }


def killed_halfway(
    env: dict[str, str], sink: Sink, version: int, members: int, workers: int
) -> dict[str, Any]:
    """Start sending, SIGKILL every worker once half the members have their notice, then
    resume with new workers once the lease of the dead workers' claims has expired."""
    processes = start_workers(env, version, workers)
    while sink.report()["received"] < members // 2 and all(p.poll() is None for p in processes):
        time.sleep(0.02)
    for process in processes:
        process.send_signal(signal.SIGKILL)
    for process in processes:
        process.communicate()
    at_kill = sink.report()["received"]
    time.sleep(LEASE_SECONDS + 1)
    resumed = run_workers(env, version, workers)
    return {"received_at_kill": at_kill, "resumed": resumed}


def one_run(engine: str, members: int, *, kill: bool, workers: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="petite-bench-notice-") as var_dir:
        if engine == "sqlite":
            url = f"sqlite:///{var_dir}/bench.sqlite3"
        else:
            name = f"petite_bench_notice_{os.getpid()}_{members}_{int(kill)}"
            psql(f"CREATE DATABASE {name}")
            url = f"postgres://postgres@127.0.0.1:5432/{name}"
        sink = Sink()
        try:
            built = run_child("setup", child_env(url, var_dir), members=members)
            env = child_env(url, var_dir, sink.port)
            if kill:
                result = killed_halfway(env, sink, built["version"], built["recipients"], workers)
            else:
                result = run_workers(env, built["version"], workers)
            received = sink.report()
        finally:
            sink.stop()
            if engine == "postgresql":
                psql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    recipients = built["recipients"]
    return {
        "engine": engine,
        "members": members,
        "recipients": recipients,
        "result": result,
        "received": received["received"],
        "duplicates": received["received"] - received["unique"],
        "misses": recipients - received["unique"],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--workers", type=int, default=2, help="task workers sending side by side")
    parser.add_argument("--follower", action="store_true")
    parser.add_argument("--no-postgres", action="store_true")
    parser.add_argument(
        "--kill", action="store_true", help="also run the largest size killed halfway"
    )
    parser.add_argument("--child", choices=["sink", "setup", "send"])
    parser.add_argument("--members", type=int, default=0)
    parser.add_argument("--version", type=int, default=0)
    args = parser.parse_args()
    if args.child:
        child(args)
        return

    engines = ["sqlite"] + ([] if args.no_postgres or not postgres_available() else ["postgresql"])
    load_before = os.getloadavg()[0]
    rows, killed = [], []
    for engine in engines:
        for members in args.sizes:
            row = one_run(engine, members, kill=False, workers=args.workers)
            rows.append(row)
            r = row["result"]
            print(
                f"{engine}, {members:,} members: {row['recipients'] / r['seconds']:.0f} messages/s"
                f" (planning {r['plan_seconds']:.2f} s, sending {r['send_seconds']:.2f} s),"
                f" peak {r['peak_mb']:.0f} MB, received {row['received']:,},"
                f" duplicates {row['duplicates']}, misses {row['misses']}",
                flush=True,
            )
        if args.kill:
            row = one_run(engine, max(args.sizes), kill=True, workers=args.workers)
            killed.append(row)
            print(
                f"{engine}, {row['members']:,} members, killed at"
                f" {row['result']['received_at_kill']:,} messages and resumed:"
                f" duplicates {row['duplicates']}, misses {row['misses']}",
                flush=True,
            )
    load = (load_before, os.getloadavg()[0])
    write_results(rows, killed, args.sizes, kill=args.kill, load=load, workers=args.workers)


def write_results(
    rows: list[dict[str, Any]],
    killed: list[dict[str, Any]],
    sizes: list[int],
    *,
    kill: bool,
    load: tuple[float, float],
    workers: int,
) -> None:
    small, large = min(sizes), max(sizes)
    command_line = "uv run python bench/notice_campaign.py" + (" --kill" if kill else "")
    lines = [
        "## Policy notice campaign (E3)",
        "",
        f"`{command_line}`, on this machine ({os.cpu_count()} cores, Python {platform.python_version()}).",
        "Every active member gets the notice of a new policy version, in their language (70% English,"
        f" 30% French), through Django's SMTP mailer and a real SMTP server (aiosmtpd on 127.0.0.1, in"
        f" its own process); {workers} sending processes work as {workers} task workers do: one plans,"
        f" then all send batches of {BATCH_SIZE} until nothing is due. Messages per second count planning and sending;"
        " peak memory is the sending process's maximum resident set size (Django included)."
        f" Load average (1 min) at start and end: {load[0]:.1f}, {load[1]:.1f} (other work on the"
        " machine slows every figure).",
        "",
        "| engine | members | messages/s | planning (s) | sending (s) | total (s) | peak (MB) | received | duplicates | misses |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for row in rows:
        r = row["result"]
        lines.append(
            f"| {row['engine']} | {row['members']:,} | {row['recipients'] / r['seconds']:.0f}"
            f" | {r['plan_seconds']:.2f} | {r['send_seconds']:.2f} | {r['seconds']:.2f}"
            f" | {r['peak_mb']:.0f} | {row['received']:,} | {row['duplicates']} | {row['misses']} |"
        )
    lines += [
        "",
        "| engine | time per message large/small | peak memory large/small |",
        "|---|---|---|",
    ]
    for engine in sorted({r["engine"] for r in rows}):
        by = {r["members"]: r for r in rows if r["engine"] == engine}
        if small in by and large in by:
            per = [by[n]["result"]["seconds"] / by[n]["recipients"] for n in (small, large)]
            mb = [by[n]["result"]["peak_mb"] for n in (small, large)]
            lines.append(f"| {engine} | {per[1] / per[0]:.2f} | {mb[1] / mb[0]:.2f} |")
    if killed:
        lines += [
            "",
            f"Killed with SIGKILL once half the members had their notice, then resumed by a new"
            f" set of workers after the claims' lease ({LEASE_SECONDS} s here):",
            "",
            "| engine | members | received when killed | received in all | duplicates | misses |",
            "|---|---|---|---|---|---|",
        ]
        for row in killed:
            lines.append(
                f"| {row['engine']} | {row['members']:,} | {row['result']['received_at_kill']:,}"
                f" | {row['received']:,} | {row['duplicates']} | {row['misses']} |"
            )
    total_dup = sum(r["duplicates"] for r in rows + killed)
    total_miss = sum(r["misses"] for r in rows + killed)
    slowest = min(r["recipients"] / r["result"]["seconds"] for r in rows)
    at_large = min(r["recipients"] / r["result"]["seconds"] for r in rows if r["members"] == large)
    verdict = "met" if at_large >= TARGET_PER_SECOND else "MISSED"
    lines += [
        "",
        f"Slowest run: **{slowest:.0f} messages/s**; at {large:,} members: **{at_large:.0f}"
        f" messages/s** (target ≥ {TARGET_PER_SECOND:,}: {verdict}); duplicates in all runs:"
        f" **{total_dup}**; misses: **{total_miss}**.",
        "",
    ]
    for line in lines:
        print(line)
    write_section("\n".join(lines))


if __name__ == "__main__":
    main()
