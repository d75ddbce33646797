"""Alembic environment: online migrations against the URL set by api.core.db.alembic_config (or env)."""

from __future__ import annotations

import os

import sqlalchemy as sa
from alembic import context

from api.core.db import alembic_compare_type, alembic_render_item, make_engine
from api.models import Base

config = context.config
target_metadata = Base.metadata


def _url() -> str:
    url = config.get_main_option("sqlalchemy.url")
    if url:
        return url
    from api.core.settings import Settings

    return os.environ.get("LIFECERT_DATABASE_URL") or Settings().database_url


def run_migrations_online() -> None:
    connectable = config.attributes.get("connection")
    if connectable is not None:
        _run(connectable)
        return
    engine = make_engine(_url(), poolclass=sa.pool.NullPool)
    try:
        with engine.connect() as connection:
            _run(connection)
    finally:
        engine.dispose()


def _run(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_item=alembic_render_item,
        compare_type=alembic_compare_type,
        render_as_batch=connection.dialect.name == "sqlite",
        user_module_prefix="sa.",
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    raise SystemExit("offline (SQL script) migrations are not supported; run `lifecert db upgrade`")
run_migrations_online()
