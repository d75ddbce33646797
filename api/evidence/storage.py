"""Evidence files on disk under ``<data_dir>/evidence``, with a row per file and a retention date."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.orm import Session

from api.core.db import utcnow
from api.evidence.filetypes import FileKind
from api.evidence.models import EvidenceFile, EvidenceKind


def evidence_root(data_dir: Path) -> Path:
    return data_dir / "evidence"


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
    data_dir: Path,
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
    target = evidence_root(data_dir) / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(upload.data)
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


def delete_stored(data_dir: Path, relative: str) -> None:
    """Remove one stored file (missing is fine). The only place purging deletes a file, so another
    storage backend replaces this one function."""
    (evidence_root(data_dir) / relative).unlink(missing_ok=True)


def read(data_dir: Path, row: EvidenceFile) -> bytes | None:
    """The file's bytes, or None once purged (or missing)."""
    if row.purged_at is not None:
        return None
    path = evidence_root(data_dir) / row.path
    return path.read_bytes() if path.is_file() else None


@dataclass(frozen=True, slots=True)
class PurgeResult:
    purged_files: int
    freed_bytes: int
    orphans_removed: int


def purge_expired(session: Session, data_dir: Path, *, now: datetime | None = None) -> PurgeResult:
    """Delete every file past its retention date (the row stays, marked purged) and orphan files.

    The caller commits (and records the audit event); files are removed before the commit, so a failed
    commit leaves rows pointing at deleted files marked unpurged — re-running purges them again safely.
    Every ORM model must be imported (``api.models``): marking a row resolves its foreign keys.
    """
    import api.models  # noqa: F401  # complete metadata: review_items, attestations, staff_users

    now = now or utcnow()
    root = evidence_root(data_dir)
    rows = (
        session.execute(
            sa.select(EvidenceFile).where(EvidenceFile.purge_after <= now, EvidenceFile.purged_at.is_(None))
        )
        .scalars()
        .all()
    )
    purged = freed = 0
    for row in rows:
        delete_stored(data_dir, row.path)
        row.purged_at = now
        purged += 1
        freed += row.size_bytes
    known = set(session.execute(sa.select(EvidenceFile.path)).scalars())
    orphans = 0
    if root.is_dir():
        # Only files older than an hour: a file written by a transaction still running is not an orphan.
        settled = now - timedelta(hours=1)
        for path in root.rglob("*"):
            if (
                path.is_file()
                and path.relative_to(root).as_posix() not in known
                and datetime.fromtimestamp(path.stat().st_mtime, now.tzinfo) < settled
            ):
                delete_stored(data_dir, path.relative_to(root).as_posix())
                orphans += 1
    session.flush()
    return PurgeResult(purged, freed, orphans)
