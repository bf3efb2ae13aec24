import pytest
from django.db import connection


@pytest.fixture
def audit_writes_fail(db):
    """Make the database refuse every new audit event (a real failure, not a mock),
    for the duration of the test's transaction."""
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE FUNCTION pg_temp.refuse_insert() RETURNS trigger LANGUAGE plpgsql AS "
            "$$ BEGIN RAISE EXCEPTION 'audit storage unavailable'; END $$"
        )
        cursor.execute(
            "CREATE TRIGGER refuse_insert BEFORE INSERT ON audit_accessevent "
            "FOR EACH ROW EXECUTE FUNCTION pg_temp.refuse_insert()"
        )
