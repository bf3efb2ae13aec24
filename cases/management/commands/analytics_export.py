"""manage.py analytics_export --since DATE --out FILE.csv: the de-identified export."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from cases.analytics.export import export_analytics


class Command(BaseCommand):
    help = (
        "Write one de-identified CSV row per case opened on or after --since: coded fields, "
        "durations in seconds after submission, the ISO week (or year) as the only date, and "
        "case keys salted per export (two exports cannot be joined). See docs/OPERATIONS.md."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--since", required=True, help="YYYY-MM-DD")
        parser.add_argument("--out", required=True, help="The CSV file to write.")
        parser.add_argument(
            "--period",
            choices=["week", "year"],
            default="week",
            help="The only date kept: ISO week of submission (default) or year (Safe Harbor).",
        )

    def handle(self, *args, since: str, out: str, period: str, **options) -> None:
        try:
            day = dt.date.fromisoformat(since)
        except ValueError as exc:
            raise CommandError(f"--since must be a date as YYYY-MM-DD, not {since!r}") from exc
        path = Path(out)
        if not path.parent.is_dir():
            raise CommandError(f"No such directory: {path.parent}")
        count = export_analytics(out=path, since=day, period=period)
        self.stdout.write(f"{count} cases written to {out}\n")
