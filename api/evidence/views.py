"""Which reviewer opened which evidence file: recorded when a reviewer fetches a file, read before an
approval (nothing is approved unseen) and shown in a case's history."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from api.evidence.models import EvidenceFile, EvidenceView


def record_opened(session: Session, *, evidence_id: int, staff_id: int, now: datetime) -> bool:
    """Note that ``staff_id`` opened the file (the first time only); True when this was the first time.

    ``INSERT … ON CONFLICT DO NOTHING`` (SQLite and PostgreSQL alike): a concurrent first opening by the
    same reviewer neither fails nor counts twice."""
    insert = sqlite_insert if session.get_bind().dialect.name == "sqlite" else pg_insert
    inserted = session.execute(
        insert(EvidenceView)
        .values(evidence_id=evidence_id, staff_id=staff_id, opened_at=now)
        .on_conflict_do_nothing(index_elements=["evidence_id", "staff_id"])
        .returning(EvidenceView.id)
    ).scalar_one_or_none()
    return inserted is not None


def opened_by(session: Session, staff_id: int, evidence_ids: Iterable[int]) -> set[int]:
    """The files among ``evidence_ids`` that ``staff_id`` has opened."""
    ids = list(evidence_ids)
    if not ids:
        return set()
    return set(
        session.execute(
            sa.select(EvidenceView.evidence_id).where(
                EvidenceView.staff_id == staff_id, EvidenceView.evidence_id.in_(ids)
            )
        ).scalars()
    )


def views_of(session: Session, evidence_ids: Iterable[int]) -> list[EvidenceView]:
    """Every recorded opening of these files, oldest first."""
    ids = list(evidence_ids)
    if not ids:
        return []
    return list(
        session.execute(
            sa.select(EvidenceView).where(EvidenceView.evidence_id.in_(ids)).order_by(EvidenceView.opened_at)
        ).scalars()
    )


def unopened(session: Session, staff_id: int, files: Iterable[EvidenceFile]) -> list[int]:
    """Ids of the files ``staff_id`` still has to open before approving (purged files cannot be opened and
    are not counted)."""
    readable = [f.id for f in files if f.purged_at is None]
    seen = opened_by(session, staff_id, readable)
    return [i for i in readable if i not in seen]
