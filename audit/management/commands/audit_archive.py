import datetime as dt
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from audit import archive


class Command(BaseCommand):
    help = (
        "Write access events older than the retention period (AUDIT_RETENTION_DAYS) to a "
        "signed JSON-lines file, record the chain anchor, and print the SQL the "
        "privileged database role runs to delete them. Deletes nothing itself."
    )

    def add_arguments(self, parser):
        parser.add_argument("directory", type=Path, help="Folder to write the archive to.")
        parser.add_argument(
            "--before", type=dt.date.fromisoformat, default=None,
            help="Archive events before this date (default: now minus the retention).",
        )  # fmt: skip
        parser.add_argument(
            "--verify", type=Path, default=None, help="Only verify an existing archive file."
        )

    def handle(self, *args, directory: Path, before, verify, **options):
        if verify is not None:
            try:
                header = archive.verify_archive(verify)
            except archive.ArchiveError as exc:
                raise CommandError(str(exc), returncode=2) from exc
            self.stdout.write(
                f"archive OK: sequences {header['first_sequence']}-{header['last_sequence']}, "
                f"last hash {header['last_hash']}"
            )
            return
        if before is None:
            cutoff = archive.retention_cutoff()
        else:
            cutoff = timezone.make_aware(dt.datetime.combine(before, dt.time.min))
            if cutoff > archive.retention_cutoff():
                raise CommandError("refusing to archive events still inside the retention period")
        try:
            result = archive.archive_before(cutoff, directory)
        except archive.ArchiveError as exc:
            raise CommandError(str(exc), returncode=2) from exc
        if result is None:
            self.stdout.write(f"nothing to archive before {cutoff:%Y-%m-%d}")
            return
        self.stdout.write(
            f"archived {result.count} events to {result.path}\n"
            f"anchor: sequence {result.anchor.sequence} hash {result.anchor.hash}\n"
            f"file SHA-256: {result.anchor.archive_sha256}\n"
            "Store the file safely (write-once storage), then have the privileged role run:\n"
            f"{archive.delete_sql(result.anchor)}"
        )
