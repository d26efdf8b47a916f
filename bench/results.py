"""bench/RESULTS.md: each benchmark owns one ``## `` section and replaces it on each run."""

from __future__ import annotations

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
