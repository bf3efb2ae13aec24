"""Database triggers that make the audit tables append-only.

PostgreSQL: a row trigger refuses UPDATE and DELETE, a statement trigger refuses
TRUNCATE. SQLite: BEFORE UPDATE / BEFORE DELETE triggers RAISE(ABORT). Both allow
one update only: the actor foreign key going to NULL with every other column
unchanged, which is what Django's on_delete=SET_NULL does when a staff account is
deleted (the copied username, which the hash covers, stays).

Installed by migration 0002 and re-installed after every ``migrate`` (post_migrate),
because SQLite drops a table's triggers when a migration rebuilds the table.
"""

from __future__ import annotations

PROTECTED_TABLES = ("audit_accessevent", "audit_chainanchor", "auditlog_logentry")

_PG_FUNCTION = """
CREATE OR REPLACE FUNCTION audit_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- Nested IFs: PL/pgSQL does not promise to short-circuit AND.
    IF TG_LEVEL = 'ROW' AND TG_OP = 'UPDATE' AND TG_ARGV[0] = 'actor_id' THEN
        IF (to_jsonb(NEW) - 'actor_id') = (to_jsonb(OLD) - 'actor_id') THEN
            IF OLD.actor_id IS NOT NULL AND NEW.actor_id IS NULL THEN
                RETURN NEW;
            END IF;
        END IF;
    END IF;
    RAISE EXCEPTION 'audit records are append-only: % on % refused', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END;
$$;
"""


def _has_actor(connection, table: str) -> bool:
    with connection.cursor() as cursor:
        columns = connection.introspection.get_table_description(cursor, table)
    return any(column.name == "actor_id" for column in columns)


def _columns(connection, table: str) -> list[str]:
    with connection.cursor() as cursor:
        return [c.name for c in connection.introspection.get_table_description(cursor, table)]


def _table_exists(connection, table: str) -> bool:
    with connection.cursor() as cursor:
        return table in connection.introspection.table_names(cursor)


def _postgresql_sql(connection, table: str) -> list[str]:
    arg = "actor_id" if _has_actor(connection, table) else "none"
    return [
        f"CREATE OR REPLACE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
        f"FOR EACH ROW EXECUTE FUNCTION audit_refuse_change('{arg}')",
        f"CREATE OR REPLACE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
        f"FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change('{arg}')",
    ]


def _sqlite_sql(connection, table: str) -> list[str]:
    columns = _columns(connection, table)
    if "actor_id" in columns:
        unchanged = " AND ".join(f'NEW."{c}" IS OLD."{c}"' for c in columns if c != "actor_id")
        allowed = f"OLD.actor_id IS NOT NULL AND NEW.actor_id IS NULL AND {unchanged}"
    else:
        allowed = "0"
    message = f"audit records are append-only: UPDATE on {table} refused"
    return [
        f"DROP TRIGGER IF EXISTS {table}_no_update",
        f"DROP TRIGGER IF EXISTS {table}_no_delete",
        f"CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table} "
        f"WHEN NOT ({allowed}) BEGIN SELECT RAISE(ABORT, '{message}'); END",
        f"CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table} "
        f"BEGIN SELECT RAISE(ABORT, '{message.replace('UPDATE', 'DELETE')}'); END",
    ]


def install(connection) -> None:
    """Create or replace the triggers on every protected table that exists."""
    statements: list[str] = []
    if connection.vendor == "postgresql":
        statements.append(_PG_FUNCTION)
        build = _postgresql_sql
    elif connection.vendor == "sqlite":
        build = _sqlite_sql
    else:
        raise NotImplementedError(f"append-only triggers for {connection.vendor}")
    for table in PROTECTED_TABLES:
        if _table_exists(connection, table):
            statements.extend(build(connection, table))
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def uninstall(connection) -> None:
    with connection.cursor() as cursor:
        for table in PROTECTED_TABLES:
            if connection.vendor == "postgresql":
                if not _table_exists(connection, table):
                    continue
                cursor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
                cursor.execute(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}")
            else:
                cursor.execute(f"DROP TRIGGER IF EXISTS {table}_no_update")
                cursor.execute(f"DROP TRIGGER IF EXISTS {table}_no_delete")
        if connection.vendor == "postgresql":
            cursor.execute("DROP FUNCTION IF EXISTS audit_refuse_change()")


def installed(connection) -> set[str]:
    """Names of the append-only triggers present (for checks and tests)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal AND tgname LIKE %s",
                ["%_append_only"],
            )
            names = {row[0] for row in cursor.fetchall()}
            cursor.execute(
                "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal AND tgname LIKE %s",
                ["%_no_truncate"],
            )
        else:
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
            names = set()
        names |= {row[0] for row in cursor.fetchall()}
    return names


def expected(connection) -> set[str]:
    """The trigger names ``install`` creates on this database's protected tables."""
    suffixes = (
        ("_append_only", "_no_truncate")
        if connection.vendor == "postgresql"
        else ("_no_update", "_no_delete")
    )
    return {
        f"{table}{suffix}"
        for table in PROTECTED_TABLES
        if _table_exists(connection, table)
        for suffix in suffixes
    }


def missing(connection) -> list[str]:
    """Append-only triggers that should be there and are not (a restore without them,
    a manual DROP): the table is then open to UPDATE and DELETE."""
    if connection.vendor not in {"postgresql", "sqlite"}:
        return []
    return sorted(expected(connection) - installed(connection))
