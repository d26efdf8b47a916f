from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from petite.privacy import publication


class Command(BaseCommand):
    help = (
        "Write the privacy notice (English and French) and the processing register to "
        "docs/privacy/, from the registry and the purposes."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--check",
            action="store_true",
            help="Write nothing; fail if a committed copy differs from what the code generates.",
        )

    def handle(self, *args: Any, check: bool, **options: Any) -> None:
        stale = []
        for path, text in publication.generated_documents().items():
            current = path.read_text(encoding="utf-8") if path.exists() else None
            if current == text:
                continue
            stale.append(path)
            if not check:
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(text, encoding="utf-8")
                self.stdout.write(f"wrote {_relative(path)}")
        if check and stale:
            raise CommandError(
                "Out of date: "
                + ", ".join(_relative(p) for p in stale)
                + ". Run `uv run python manage.py generate_notice`."
            )
        if not stale:
            self.stdout.write("docs/privacy is up to date.")


def _relative(path: Path) -> str:
    try:
        return str(path.relative_to(publication.BASE_DIR))
    except ValueError:
        return str(path)
