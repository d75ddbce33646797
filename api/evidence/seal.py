"""``lifecert storage seal-existing``: encrypt at rest what was written before encryption existed — frames,
photos and videos stored in plaintext are sealed in place, and reference photos kept in the database move to
object storage, sealed (api/beneficiaries/reference_photos.py). Idempotent: sealed objects are left alone.
Runs in batches, one transaction each, and records one audit event."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session, sessionmaker

from api import audit
from api.beneficiaries.models import ReferenceFace
from api.beneficiaries.reference_photos import photo_columns
from api.core.storage import Storage, is_sealed
from api.evidence.models import EvidenceFile
from api.evidence.storage import SENSITIVE, object_key


@dataclass(frozen=True, slots=True)
class SealReport:
    evidence_sealed: int
    references_moved: int


def seal_existing(factory: sessionmaker[Session], objects: Storage, *, batch: int = 500) -> SealReport:
    sealed = moved = 0
    last_id = 0
    while True:  # evidence files: seal plaintext biometric objects in place
        with factory() as session:
            rows = session.execute(
                sa.select(EvidenceFile.id, EvidenceFile.path)
                .where(
                    EvidenceFile.id > last_id,
                    EvidenceFile.kind.in_(sorted(SENSITIVE)),
                    EvidenceFile.purged_at.is_(None),
                )
                .order_by(EvidenceFile.id)
                .limit(batch)
            ).all()
        if not rows:
            break
        for _id, path in rows:
            key = object_key(path)
            raw = objects.get_raw(key)
            if raw is not None and not is_sealed(raw):
                objects.put(key, raw, sensitive=True)
                sealed += 1
        last_id = rows[-1][0]
    while True:  # reference photos kept in the rows: into storage, sealed
        with factory() as session:
            refs = (
                session.execute(
                    sa.select(ReferenceFace)
                    .where(ReferenceFace.photo.is_not(None))
                    .order_by(ReferenceFace.id)
                    .limit(batch)
                )
                .scalars()
                .all()
            )
            if not refs:
                break
            for ref in refs:
                data = ref.photo
                assert data is not None
                columns = photo_columns(objects, ref.beneficiary_id, data)
                ref.photo, ref.photo_path = None, columns["photo_path"]
                moved += 1
            session.commit()
    if sealed or moved:
        with factory() as session:
            audit.record(
                session,
                actor="system:storage",
                action="storage.seal_existing",
                entity_type="storage",
                entity_id="*",
                after={"evidence_sealed": sealed, "references_moved": moved},
            )
            session.commit()
    return SealReport(sealed, moved)
