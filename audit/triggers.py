"""Database triggers that make the audit tables append-only.

PostgreSQL: a row trigger refuses UPDATE and DELETE, a statement trigger refuses
TRUNCATE. SQLite: BEFORE UPDATE / BEFORE DELETE triggers RAISE(ABORT). Both allow
one update only: the actor foreign key going to NULL with every other column
unchanged, which is what Django's on_delete=SET_NULL does when a staff account is
deleted (the copied username, which the hash covers, stays).

Installed by migration 0002 and re-installed after every ``migrate`` (post_migrate),
because SQLite drops a table's triggers when a migration rebuilds the table.

``problems`` is what ``audit_verify`` checks: a trigger can be there and still not
protect anything (``ALTER TABLE ... DISABLE TRIGGER``, a replaced function, a SQLite
trigger of the same name that does nothing), so presence alone is not enough.
"""

from __future__ import annotations

from typing import NamedTuple

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


# pg_trigger.tgtype bits: ROW 1, BEFORE 2, DELETE 8, UPDATE 16, TRUNCATE 32.
_PG_ROW_TYPE = 1 | 2 | 8 | 16
_PG_TRUNCATE_TYPE = 2 | 32
# pg_trigger.tgenabled: "O" fires in origin and local sessions, "A" always; "R" fires
# only under session_replication_role = replica and "D" never, i.e. no protection.
_PG_ENABLED = {"O", "A"}
_PG_FUNCTION_NAME = "audit_refuse_change"
_PG_FUNCTION_BODY = _PG_FUNCTION.split("$$")[1]


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


class Problem(NamedTuple):
    """One append-only trigger not in force; ``kind`` is missing, disabled or altered."""

    name: str
    kind: str
    detail: str = ""

    def __str__(self) -> str:
        return f"{self.name}: {self.kind}" + (f" ({self.detail})" if self.detail else "")


def _pg_problems(connection) -> list[Problem]:
    expected_type = {"_append_only": _PG_ROW_TYPE, "_no_truncate": _PG_TRUNCATE_TYPE}
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT t.tgname, c.relname, t.tgenabled, t.tgtype, p.proname, p.prosrc "
            "FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
            "JOIN pg_proc p ON p.oid = t.tgfoid "
            "WHERE NOT t.tgisinternal AND c.relname = ANY(%s) AND pg_table_is_visible(c.oid)",
            [list(PROTECTED_TABLES)],
        )
        found = {(row[0], row[1]): row[2:] for row in cursor.fetchall()}
    out = []
    for table in PROTECTED_TABLES:
        if not _table_exists(connection, table):
            continue
        for suffix, wanted_type in expected_type.items():
            name = f"{table}{suffix}"
            row = found.get((name, table))
            if row is None:
                out.append(Problem(name, "missing"))
                continue
            enabled, tgtype, function, source = row
            if enabled not in _PG_ENABLED:
                replica = "fires only for replicas, " if enabled == "R" else ""
                out.append(Problem(name, "disabled", f"{replica}tgenabled={enabled!r}"))
            elif function != _PG_FUNCTION_NAME or tgtype != wanted_type:
                out.append(Problem(name, "altered", f"runs {function}, tgtype {tgtype}"))
            elif source != _PG_FUNCTION_BODY:
                out.append(Problem(name, "altered", f"{function}() no longer refuses"))
    return sorted(out)


def _sqlite_problems(connection) -> list[Problem]:
    def normal(sql: str) -> str:
        return " ".join(sql.split())

    wanted = {}
    for table in PROTECTED_TABLES:
        if _table_exists(connection, table):
            for statement in _sqlite_sql(connection, table):
                if statement.startswith("CREATE TRIGGER"):
                    wanted[statement.split()[2]] = (table, normal(statement))
    with connection.cursor() as cursor:
        cursor.execute("SELECT name, tbl_name, sql FROM sqlite_master WHERE type = 'trigger'")
        found = {name: (table, normal(sql or "")) for name, table, sql in cursor.fetchall()}
    out = []
    for name, (table, sql) in sorted(wanted.items()):
        if name not in found:
            out.append(Problem(name, "missing"))
        elif found[name][0] != table:
            out.append(Problem(name, "altered", f"on {found[name][0]}, not {table}"))
        elif found[name][1] != sql:
            out.append(Problem(name, "altered", "not the statement install() creates"))
    return out


def problems(connection) -> list[Problem]:
    """Each append-only trigger that does not protect its table: missing, disabled
    (PostgreSQL: ``tgenabled`` neither "O" nor "A"), or altered (on another table, for
    other events, another function or body). Empty when all are in force.

    SQLite triggers cannot be disabled; there each one must exist on its table with
    exactly the statement ``install`` creates.
    """
    if connection.vendor == "postgresql":
        return _pg_problems(connection)
    if connection.vendor == "sqlite":
        return _sqlite_problems(connection)
    return []
