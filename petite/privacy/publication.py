"""The committed copies of the generated privacy texts, under docs/privacy/."""

from __future__ import annotations

from pathlib import Path

from .notice import render_notice
from .ropa import render_register

BASE_DIR = Path(__file__).resolve().parent.parent.parent
DOCS_DIR = BASE_DIR / "docs" / "privacy"
NOTICE_LANGUAGES = ("en", "fr")


def generated_documents() -> dict[Path, str]:
    """Every committed file and the text the code generates for it now."""
    documents = {
        DOCS_DIR / f"notice.{language}.md": render_notice(language) for language in NOTICE_LANGUAGES
    }
    documents[DOCS_DIR / "register.md"] = render_register("en")
    return documents
