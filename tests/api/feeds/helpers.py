"""Feed-API test helpers: register a data source, snapshot every table (to prove a resend changed nothing)."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa


def add_source(session, name: str, kinds: list[str], region_code: str | None = None) -> str:
    """Register a source (real service, real hash) and return its key."""
    from api.comparison.sources import add_source as add
    from tests.api.factories import ensure_regions

    if region_code is not None:
        ensure_regions(session, region_code)
    issued = add(session, name=name, kinds=kinds, region_code=region_code, actor="system:test")
    session.commit()
    return issued.key


def snapshot(engine) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, in primary-key order."""
    from api.core.db import Base

    out: dict[str, list[tuple[Any, ...]]] = {}
    with engine.connect() as conn:
        for table in Base.metadata.sorted_tables:
            order = list(table.primary_key.columns) or list(table.columns)
            out[table.name] = [tuple(r) for r in conn.execute(sa.select(table).order_by(*order))]
    return out


def audit_count(engine) -> int:
    with engine.connect() as conn:
        return conn.execute(sa.text("SELECT count(*) FROM audit_events")).scalar_one()
