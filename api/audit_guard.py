"""The append-only guard of ``audit_events``: triggers that refuse UPDATE and DELETE (and TRUNCATE on
PostgreSQL), so the application — and anyone with only its data rights — can append events but never change
or remove one. Created by the migration ``0009_audit_partitions``; an owner who drops the triggers can still
rewrite rows, which the keyed chains and the anchors then reveal (``lifecert audit verify``).

:func:`disarm` / :func:`arm` exist for the tests that play such an attacker.
"""

from __future__ import annotations

from sqlalchemy.engine import Connection

REFUSAL = "audit_events is append-only"

POSTGRESQL_ARM = (
    f"""
    CREATE OR REPLACE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION USING MESSAGE = '{REFUSAL}: ' || TG_OP || ' refused',
            ERRCODE = 'insufficient_privilege';
    END
    $$
    """,
    "DROP TRIGGER IF EXISTS audit_events_no_change ON audit_events",
    """CREATE TRIGGER audit_events_no_change BEFORE UPDATE OR DELETE ON audit_events
       FOR EACH ROW EXECUTE FUNCTION audit_events_append_only()""",
    "DROP TRIGGER IF EXISTS audit_events_no_truncate ON audit_events",
    """CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events
       FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only()""",
)
POSTGRESQL_DISARM = (
    "DROP TRIGGER IF EXISTS audit_events_no_change ON audit_events",
    "DROP TRIGGER IF EXISTS audit_events_no_truncate ON audit_events",
    "DROP FUNCTION IF EXISTS audit_events_append_only()",
)
SQLITE_ARM = (
    f"""CREATE TRIGGER IF NOT EXISTS audit_events_no_update BEFORE UPDATE ON audit_events
        BEGIN SELECT RAISE(ABORT, '{REFUSAL}: UPDATE refused'); END""",
    f"""CREATE TRIGGER IF NOT EXISTS audit_events_no_delete BEFORE DELETE ON audit_events
        BEGIN SELECT RAISE(ABORT, '{REFUSAL}: DELETE refused'); END""",
)
SQLITE_DISARM = (
    "DROP TRIGGER IF EXISTS audit_events_no_update",
    "DROP TRIGGER IF EXISTS audit_events_no_delete",
)


def statements(dialect: str, *, armed: bool) -> tuple[str, ...]:
    if dialect == "postgresql":
        return POSTGRESQL_ARM if armed else POSTGRESQL_DISARM
    if dialect == "sqlite":
        return SQLITE_ARM if armed else SQLITE_DISARM
    raise ValueError(f"no append-only guard for {dialect}")


def arm(conn: Connection) -> None:
    for sql in statements(conn.dialect.name, armed=True):
        conn.exec_driver_sql(sql)


def disarm(conn: Connection) -> None:
    for sql in statements(conn.dialect.name, armed=False):
        conn.exec_driver_sql(sql)
