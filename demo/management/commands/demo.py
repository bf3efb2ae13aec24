"""Run the whole console on the embedded default: web server, Celery worker and beat."""

from __future__ import annotations

import signal
import subprocess
import sys
import time

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError


def process_commands(host: str, port: int) -> dict[str, list[str]]:
    """The demo's three processes, started as in production (README "Running in
    production") but one of each.

    The web process is gunicorn with config/gunicorn_conf.py, not runserver: its
    post_worker_init compiles the triage scripts and loads the crisis model before the
    first request, so the first crisis after `make demo` is scanned and paged at once
    instead of waiting ~8 s for the compile; and its access log has no ERROR level for
    the 503 that /healthz answers while the first heartbeat is on its way. WhiteNoise
    serves the static files (from the app folders, as DEBUG is on).
    """
    python = sys.executable
    gunicorn_conf = str(settings.BASE_DIR / "config" / "gunicorn_conf.py")
    return {
        "web": [python, "-m", "gunicorn", "-c", gunicorn_conf, "config.wsgi:application",
                "--bind", f"{host}:{port}", "--workers", "1", "--threads", "8"],
        "worker": [python, "-m", "celery", "-A", "config", "worker", "--pool=solo",
                   "--loglevel=INFO", "--without-mingle", "--without-gossip"],
        "beat": [python, "-m", "celery", "-A", "config", "beat", "--loglevel=INFO"],
    }  # fmt: skip


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
        commands = process_commands(host, port)
        processes = {
            name: subprocess.Popen(cmd, cwd=settings.BASE_DIR)  # noqa: S603
            for name, cmd in commands.items()
        }
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
