"""Runs Knotwork for development: migrate, offer demo data, then web, worker and beat together."""

import os
import subprocess
import sys
import time
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

from accounts.models import User
from relationships.services.muscles import muscles_recompute_all


class Command(BaseCommand):
    help = "Migrate, offer demo data, then run web, Celery worker and beat until Ctrl-C."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--demo", action="store_true", help="Load demo data without asking.")

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write("Applying database migrations…")
        call_command("migrate", verbosity=0)
        if self.wants_demo(options["demo"]):
            call_command("demo")
        self.stdout.write("Recomputing relationship muscles…")
        muscles_recompute_all()
        port = options["port"]
        beat_schedule = settings.BASE_DIR / ".local" / "celerybeat-schedule"
        celery = [sys.executable, "-m", "celery", "-A", "knotwork"]
        environment = dict(os.environ)
        if not environment.get("SITE_URL"):
            # Links in mail (the digest) point at the port this runs on, not the default 8000.
            environment["SITE_URL"] = f"http://localhost:{port}"
        self.run_together(
            {
                "web": [sys.executable, "manage.py", "runserver", str(port)],
                "worker": [*celery, "worker", "--loglevel=INFO", "--concurrency=2"],
                "beat": [*celery, "beat", "--loglevel=INFO", "--schedule", str(beat_schedule)],
            },
            environment,
        )

    def wants_demo(self, asked: bool) -> bool:
        if asked:
            return True
        if User.objects.exists() or not sys.stdin.isatty():
            return False
        answer = input("Load demo data (an account with a few dozen people)? [Y/n] ")
        return answer.strip().lower() in {"", "y", "yes", "j", "ja"}

    def run_together(self, commands: dict[str, list[str]], environment: dict[str, str]) -> None:
        """Start every process; when one stops or Ctrl-C is pressed, stop them all."""
        processes = {
            name: subprocess.Popen(cmd, env=environment)  # noqa: S603
            for name, cmd in commands.items()
        }
        self.stdout.write(
            self.style.SUCCESS(
                f"Knotwork runs at http://127.0.0.1:{commands['web'][-1]}/ "
                "with a Celery worker and beat. Ctrl-C stops all three."
            )
        )
        try:
            while all(process.poll() is None for process in processes.values()):
                time.sleep(0.5)
        except KeyboardInterrupt:
            pass
        for process in processes.values():
            process.terminate()
        for name, process in processes.items():
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
            self.stdout.write(f"{name} stopped.")
