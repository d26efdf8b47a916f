"""What the benchmarks share: bench/RESULTS.md (each benchmark owns one ``## ``
section and replaces it on each run), the local PostgreSQL, peak memory."""

from __future__ import annotations

import resource
import subprocess
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "RESULTS.md"


def write_section(body: str) -> None:
    """Replace (or append) the section whose first line is ``body``'s first line."""
    title = body.splitlines()[0]
    text = RESULTS.read_text() if RESULTS.exists() else "# Benchmark results\n\n"
    if title in text:
        start = text.index(title)
        end = text.find("\n## ", start + len(title))
        text = text[:start] + body.rstrip("\n") + "\n" + (text[end:] if end != -1 else "")
    else:
        text = text.rstrip("\n") + "\n\n" + body.rstrip("\n") + "\n"
    RESULTS.write_text(text)
    print(f"written to {RESULTS.relative_to(RESULTS.parent.parent)}")


def peak_mb() -> float:
    """The process's maximum resident set size so far, in MB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def postgres_available() -> bool:
    ready = ["pg_isready", "-h", "127.0.0.1", "-p", "5432", "-q"]
    return subprocess.run(ready, check=False).returncode == 0


def psql(sql: str) -> None:
    subprocess.run(
        ["psql", "-h", "127.0.0.1", "-U", "postgres", "-q", "-c", sql, "postgres"], check=True
    )
