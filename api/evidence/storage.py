"""Evidence files in object storage under ``evidence/`` (api/core/storage.py: ``<data_dir>/evidence`` by
default, or the S3 bucket), with a row per file and a retention date. Frames, photos and videos are
biometric data: the storage layer seals them (envelope encryption) before they are written."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.orm import Session

from api.core.db import utcnow
from api.core.storage import Storage
from api.evidence.filetypes import FileKind
from api.evidence.models import EvidenceFile, EvidenceKind

PREFIX = "evidence"
# Biometric evidence (a face, a body): sealed by the storage layer. Scanned documents are stored as they are.
SENSITIVE = frozenset({EvidenceKind.FRAME, EvidenceKind.PHOTO, EvidenceKind.VIDEO})


def evidence_root(data_dir: Path) -> Path:
    """Where the local backend keeps evidence (``<data_dir>/evidence``)."""
    return data_dir / PREFIX


def object_key(row_path: str) -> str:
    return f"{PREFIX}/{row_path}"


@dataclass(frozen=True, slots=True)
class Upload:
    """An upload already checked by :func:`api.evidence.filetypes.check_upload`."""

    data: bytes
    kind: FileKind
    evidence_kind: EvidenceKind
    taken_on: date | None = None


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def store(
    session: Session,
    objects: Storage,
    upload: Upload,
    *,
    review_item_id: int | None = None,
    attestation_id: int | None = None,
    keep_days: int | None = None,
    now: datetime | None = None,
    uploaded_by: int | None = None,
) -> EvidenceFile:
    """Write the file, then add its row (flushed, in the caller's transaction).

    ``keep_days`` None keeps the file as long as its record; otherwise it is purged after that many days.
    A file written for a transaction that then rolls back is an orphan with no row: `retention purge`
    removes such files too. ``uploaded_by``: the staff member who uploaded it (None: the applicant).
    """
    now = now or utcnow()
    relative = Path(f"{now:%Y/%m}") / f"{secrets.token_hex(16)}.{upload.kind.extension}"
    objects.put(object_key(relative.as_posix()), upload.data, sensitive=upload.evidence_kind in SENSITIVE)
    row = EvidenceFile(
        review_item_id=review_item_id,
        attestation_id=attestation_id,
        kind=upload.evidence_kind,
        content_type=upload.kind.content_type,
        size_bytes=len(upload.data),
        sha256=sha256_of(upload.data),
        path=relative.as_posix(),
        taken_on=upload.taken_on,
        purge_after=None if keep_days is None else now + timedelta(days=keep_days),
        uploaded_by=uploaded_by,
    )
    session.add(row)
    session.flush()
    return row


def delete_stored(objects: Storage, relative: str) -> None:
    """Remove one stored evidence file (missing is fine): the only place purging deletes a file."""
    objects.delete(object_key(relative))


def read(objects: Storage, row: EvidenceFile) -> bytes | None:
    """The file's bytes (opened if sealed), or None once purged (or missing)."""
    if row.purged_at is not None:
        return None
    return objects.get(object_key(row.path))


@dataclass(frozen=True, slots=True)
class PurgeResult:
    purged_files: int
    freed_bytes: int
    orphans_removed: int


def purge_expired(session: Session, objects: Storage, *, now: datetime | None = None) -> PurgeResult:
    """Delete every file past its retention date (the row stays, marked purged) and orphan files.

    The caller commits (and records the audit event); files are removed before the commit, so a failed
    commit leaves rows pointing at deleted files marked unpurged — re-running purges them again safely.
    Every ORM model must be imported (``api.models``): marking a row resolves its foreign keys.
    """
    import api.models  # noqa: F401  # complete metadata: review_items, attestations, staff_users

    now = now or utcnow()
    rows = (
        session.execute(
            sa.select(EvidenceFile).where(EvidenceFile.purge_after <= now, EvidenceFile.purged_at.is_(None))
        )
        .scalars()
        .all()
    )
    purged = freed = 0
    for row in rows:
        delete_stored(objects, row.path)
        row.purged_at = now
        purged += 1
        freed += row.size_bytes
    known = set(session.execute(sa.select(EvidenceFile.path)).scalars())
    orphans = 0
    # Only objects older than an hour: one written by a transaction still running is not an orphan.
    settled = now - timedelta(hours=1)
    for obj in list(objects.list(PREFIX)):
        relative = obj.key.removeprefix(f"{PREFIX}/")
        if relative not in known and obj.modified < settled:
            delete_stored(objects, relative)
            orphans += 1
    session.flush()
    return PurgeResult(purged, freed, orphans)
