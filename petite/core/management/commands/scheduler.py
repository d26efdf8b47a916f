import signal
import time
from types import FrameType
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from petite.core import schedule


class Command(BaseCommand):
    help = "Enqueue periodic tasks (retention purge...) when they are due."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="Check once and exit.")
        parser.add_argument("--interval", type=float, default=30.0, help="Seconds between checks.")

    def handle(self, *args: Any, once: bool, interval: float, **options: Any) -> None:
        self.running = True

        def stop(signum: int, frame: FrameType | None) -> None:
            self.running = False

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        for periodic in schedule.periodic_tasks():
            self.stdout.write(f"scheduler: {periodic.name} every {periodic.every}")
        while self.running:
            for name in schedule.enqueue_due():
                self.stdout.write(f"scheduler: enqueued {name}")
            if once:
                return
            deadline = time.monotonic() + interval
            while self.running and time.monotonic() < deadline:
                time.sleep(0.5)
