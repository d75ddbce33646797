"""Migrations build the schema from empty, and the result matches the models exactly."""

from __future__ import annotations

import sqlalchemy as sa

from api.core.db import current_revision
from api.models import schema_diff


def test_migrated_schema_matches_models(engine) -> None:
    assert schema_diff(engine) == []


def test_database_is_at_the_latest_revision(engine) -> None:
    from alembic.script import ScriptDirectory

    from api.core.db import alembic_config

    heads = ScriptDirectory.from_config(alembic_config(str(engine.url))).get_heads()
    assert len(heads) == 1, f"migrations have several heads: {heads}"
    assert current_revision(engine) == heads[0]


def test_schema_diff_notices_a_drifted_column(engine) -> None:
    with engine.connect() as conn:
        trans = conn.begin()
        conn.execute(sa.text("ALTER TABLE regions ADD COLUMN drift INTEGER"))
        from alembic.autogenerate import compare_metadata
        from alembic.runtime.migration import MigrationContext

        from api.core.db import alembic_compare_type
        from api.models import Base

        ctx = MigrationContext.configure(conn, opts={"compare_type": alembic_compare_type})
        diffs = compare_metadata(ctx, Base.metadata)
        trans.rollback()
    assert any(d[0] == "remove_column" and d[3].name == "drift" for d in diffs if isinstance(d, tuple))
