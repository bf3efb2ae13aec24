from django.apps import AppConfig
from django.db import connections
from django.db.models.signals import post_migrate


def _reinstall_triggers(sender, using, plan=None, **kwargs) -> None:
    """Put the append-only triggers back after any migration.

    SQLite drops a table's triggers when a migration rebuilds the table (any
    AlterField), so a later migration of ours or of django-auditlog would otherwise
    silently remove the protection. Only once migration 0002 has installed them.
    """
    from django.db.migrations.recorder import MigrationRecorder

    from audit import triggers

    connection = connections[using]
    recorder = MigrationRecorder(connection)
    if not recorder.has_table():
        return
    if ("audit", "0002_append_only_triggers") not in recorder.applied_migrations():
        return
    triggers.install(connection)


class AuditConfig(AppConfig):
    name = "audit"
    verbose_name = "Audit trail"

    def ready(self) -> None:
        post_migrate.connect(_reinstall_triggers, sender=self, dispatch_uid="audit_triggers")
