from django.core.management.base import BaseCommand, CommandError

from audit import head_export, services
from audit.alerts import describe, log_failure


class Command(BaseCommand):
    help = (
        "Walk the audit hash chain in order and check the append-only triggers are "
        "installed and enabled; print the first problem and exit 2 (logged CRITICAL), "
        "or print the event count and the head hash."
    )

    def add_arguments(self, parser):
        parser.add_argument("--chunk-size", type=int, default=2000)
        parser.add_argument(
            "--exported-head",
            default=None,
            help="A head-export file to check against (default: AUDIT_HEAD_EXPORT when a file).",
        )

    def handle(self, *args, chunk_size: int, exported_head: str | None, **options):
        report = services.verify_chain(chunk_size=chunk_size)
        if report.ok:
            broken = services.check_exported_head(head_export.last_exported_head(exported_head))
            report = broken or services.check_triggers(report.count) or report
        if not report.ok:
            log_failure(report)
            self.stderr.write(describe(report))
            raise CommandError("audit chain verification failed", returncode=2)
        self.stdout.write(
            f"audit chain OK: {report.count} events, head sequence {report.head_sequence}, "
            f"head hash {report.head_hash}"
        )
