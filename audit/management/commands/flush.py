"""``flush`` that can empty the append-only audit tables, in tests only.

Django's TransactionTestCase (pytest-django's ``transaction=True``) empties every
table with ``flush`` after each test; the append-only triggers refuse that. Under
TRIAGE_ENV=test, or on a Django test database (``test_<name>``), on PostgreSQL this
command sets ``session_replication_role = replica`` for the flush (ordinary triggers
do not fire; only a superuser, such as the test role, may set it). Everywhere else it
is Django's flush, and the triggers refuse to empty the audit trail, as they should.
"""

from django.conf import settings
from django.core.management.commands.flush import Command as FlushCommand
from django.db import DEFAULT_DB_ALIAS, connections


class Command(FlushCommand):
    def handle(self, **options):
        connection = connections[options.get("database") or DEFAULT_DB_ALIAS]
        # Django's test databases are named test_<name>: tests run without
        # TRIAGE_ENV=test must still be able to reset theirs.
        testing = settings.TRIAGE_ENV == "test" or str(
            connection.settings_dict.get("NAME", "")
        ).startswith("test_")
        bypass = testing and connection.vendor == "postgresql"
        if not bypass:
            return super().handle(**options)
        with connection.cursor() as cursor:
            cursor.execute("SET session_replication_role = replica")
        try:
            return super().handle(**options)
        finally:
            with connection.cursor() as cursor:
                cursor.execute("RESET session_replication_role")
