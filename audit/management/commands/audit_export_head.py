from django.core.management.base import BaseCommand

from audit.head_export import export_head


class Command(BaseCommand):
    help = "Write the audit chain head now (what Celery beat does on a schedule)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--to", default=None, help="File path or https URL (default: AUDIT_HEAD_EXPORT)."
        )

    def handle(self, *args, to: str | None, **options):
        head = export_head(to)
        self.stdout.write(f"head sequence {head['sequence']} hash {head['hash']}")
