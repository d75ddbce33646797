"""Migration 0030: certifications.operator_id becomes an account number like in every other table; the
data feeds' "system" / "feed:<run>" certifications become kind "feed" with the run's number."""

from __future__ import annotations

import sqlalchemy as sa

from tests.api.backoffice.test_detention_hold import empty_db_url  # noqa: F401 (a fixture)

NOW = "2026-11-01 00:00:00"


def _insert_certifications(engine: sa.Engine) -> None:
    with engine.begin() as c:
        c.execute(
            sa.text("INSERT INTO regions (code, name, level, created_at) VALUES ('11', 'x', 'province', :n)"),
            {"n": NOW},
        )
        c.execute(
            sa.text(
                "INSERT INTO beneficiaries (id, id_number, name, sex, birth_date, region_code,"
                " residence_kind, time_zone, created_at, updated_at) VALUES (1, '110101195001010011', 'x',"
                " 'male', '1950-01-01', '11', 'domestic', 'Asia/Shanghai', :t, :t)"
            ),
            {"t": NOW},
        )
        for cid, kind, operator in ((1, "self", None), (2, "staff", "42"), (3, "system", "feed:7")):
            c.execute(
                sa.text(
                    "INSERT INTO certifications (id, beneficiary_id, window_start, window_end, method,"
                    " operator_kind, operator_id, result, evidence, certified_at, local_date, created_at)"
                    " VALUES (:i, 1, '2026-01-01', '2026-12-31', 'self_face', :k, :o, 'passed', '[]', :t,"
                    " '2026-11-01', :t)"
                ),
                {"i": cid, "k": kind, "o": operator, "t": NOW},
            )


def test_operator_ids_become_numbers_and_feed_runs_their_own_kind(empty_db_url: str) -> None:  # noqa: F811
    from alembic import command
    from alembic.script import ScriptDirectory

    from api.core.db import alembic_config, make_engine, upgrade

    before_revision = (
        ScriptDirectory.from_config(alembic_config(empty_db_url))
        .get_revision("0030_operator_id_integer")
        .down_revision
    )
    upgrade(empty_db_url, before_revision)
    engine = make_engine(empty_db_url)
    try:
        _insert_certifications(engine)
        upgrade(empty_db_url, "0030_operator_id_integer")
        with engine.connect() as c:
            rows = c.execute(sa.text("SELECT id, operator_kind, operator_id FROM certifications ORDER BY id"))
            assert [tuple(r) for r in rows] == [(1, "self", None), (2, "staff", 42), (3, "feed", 7)]
        command.downgrade(alembic_config(empty_db_url), before_revision)
        with engine.connect() as c:
            rows = c.execute(sa.text("SELECT id, operator_kind, operator_id FROM certifications ORDER BY id"))
            before = [(1, "self", None), (2, "staff", "42"), (3, "system", "feed:7")]
            assert [tuple(r) for r in rows] == before
    finally:
        engine.dispose()
