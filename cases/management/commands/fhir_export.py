"""manage.py fhir_export --case REF | --since DATE --out DIR: one FHIR Bundle file per case."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from audit.models import AccessEvent
from audit.services import record_access
from cases.fhir.bundle import case_bundle
from cases.models import Case


class Command(BaseCommand):
    help = (
        "Write each case as a FHIR R4 Bundle (JSON) to DIR/case-<REF>.fhir.json, one audited "
        "export event per case. The files hold PHI: write them only to protected storage."
    )

    def add_arguments(self, parser) -> None:
        which = parser.add_mutually_exclusive_group(required=True)
        which.add_argument("--case", help="A case reference code, such as ABCD-2345.")
        which.add_argument("--since", help="Cases opened on or after this date (YYYY-MM-DD).")
        parser.add_argument("--out", required=True, help="The directory to write to.")
        parser.add_argument("--by", default="", help="Username of the staff member exporting.")

    def handle(self, *args, case: str | None, since: str | None, out: str, by: str, **options):
        directory = Path(out)
        if not directory.is_dir():
            raise CommandError(f"No such directory: {directory}")
        actor = None
        if by:
            actor = get_user_model().objects.filter(username=by).first()
            if actor is None:
                raise CommandError(f"No staff account named {by!r}")
        cases = Case.objects.select_related("intake").order_by("opened_at")
        if case:
            cases = cases.filter(reference=case.strip().upper())
            if not cases.exists():
                raise CommandError(f"No case {case!r}")
        else:
            try:
                day = dt.date.fromisoformat(since or "")
            except ValueError as exc:
                raise CommandError(f"--since must be a date as YYYY-MM-DD, not {since!r}") from exc
            cases = cases.filter(opened_at__date__gte=day)
        count = 0
        for row in cases.iterator(chunk_size=200):
            bundle = case_bundle(row)
            path = directory / f"case-{row.reference}.fhir.json"
            # The event commits with nothing else: if the write fails, the file is removed.
            with transaction.atomic():
                path.write_text(json.dumps(bundle, ensure_ascii=False, indent=2), "utf-8")
                try:
                    record_access(
                        actor=actor,
                        action=AccessEvent.Action.EXPORT,
                        object_type="cases.case",
                        object_id=str(row.pk),
                        patient_ref=row.reference,
                        reason="FHIR export (manage.py fhir_export)",
                        details={"format": "fhir-r4b-bundle", "file": path.name},
                    )
                except Exception:
                    path.unlink(missing_ok=True)
                    raise
            count += 1
        self.stdout.write(f"{count} cases written to {directory}\n")
