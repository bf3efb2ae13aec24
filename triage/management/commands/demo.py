"""Run the whole console on the embedded default: web server, Celery worker and beat."""

from __future__ import annotations

import signal
import subprocess
import sys
import time

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Migrate, load demo data, then run the web server, a Celery worker and beat."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--host", default="127.0.0.1")

    def handle(self, *args, host: str, port: int, **options) -> None:
        if settings.PRODUCTION:
            raise CommandError("The demo never runs with TRIAGE_ENV=production.")
        call_command("migrate", interactive=False, verbosity=0)
        call_command("seed_demo")
        python = sys.executable
        commands = {
            "web": [python, "manage.py", "runserver", f"{host}:{port}", "--noreload"],
            "worker": [python, "-m", "celery", "-A", "config", "worker", "--pool=solo",
                       "--loglevel=INFO", "--without-mingle", "--without-gossip"],
            "beat": [python, "-m", "celery", "-A", "config", "beat", "--loglevel=INFO"],
        }  # fmt: skip
        processes = {name: subprocess.Popen(cmd) for name, cmd in commands.items()}  # noqa: S603
        url = f"http://{host}:{port}"
        self.stdout.write(
            self.style.SUCCESS(
                f"\nThe console is running.\n  Patient intake: {url}/intake/\n"
                f"  Staff console:  {url}/console/\n  Admin:          {url}/admin/\n"
                f"  Health:         {url}/healthz\nPress Ctrl-C to stop everything.\n"
            )
        )
        try:
            while all(p.poll() is None for p in processes.values()):
                time.sleep(0.5)
            stopped = [name for name, p in processes.items() if p.poll() is not None]
            self.stderr.write(f"{', '.join(stopped)} stopped; shutting the others down.")
        except KeyboardInterrupt:
            self.stdout.write("\nStopping the web server, worker and beat...")
        finally:
            for p in processes.values():
                if p.poll() is None:
                    p.send_signal(signal.SIGTERM)
            for p in processes.values():
                try:
                    p.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    p.kill()
