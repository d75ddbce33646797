"""`lifecert retention purge` in a fresh process, as cron runs it (issue 16, finding 3).

A fresh process imports only what the command imports: before the fix, marking an expired row purged
failed with NoReferencedTableError (the evidence row's foreign keys name tables whose models were never
imported), after the files had already been deleted. Runs on sqlite and postgresql.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from datetime import timedelta

import sqlalchemy as sa

from api.audit import AuditEvent
from api.core.db import utcnow
from api.core.storage import storage_for
from api.evidence import storage
from api.evidence.filetypes import JPEG, PDF
from api.evidence.models import EvidenceFile, EvidenceKind
from tests.shared_data import REPO_ROOT


def purge(settings) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "api.cli", "retention", "purge"],
        check=False,
        capture_output=True,
        text=True,
        timeout=120,
        env={
            "PYTHONPATH": str(REPO_ROOT),
            "PATH": "/usr/bin:/bin",
            "LIFECERT_DATABASE_URL": settings.database_url,
            "LIFECERT_DATA_DIR": str(settings.data_dir),
        },
    )


def test_purge_in_a_fresh_process_deletes_marks_audits_and_spares_the_unexpired(settings, session):
    data_dir = settings.data_dir
    objects = storage_for(settings)  # the local directory the purge process deletes through
    long_ago = utcnow() - timedelta(days=40)
    expired = [
        storage.store(
            session,
            objects,
            storage.Upload(b"\xff\xd8\xffexpired%d" % i, JPEG, EvidenceKind.FRAME),
            keep_days=30,
            now=long_ago,
        )
        for i in range(2)
    ]
    fresh = storage.store(
        session, objects, storage.Upload(b"%PDF-fresh", PDF, EvidenceKind.DOCUMENT), keep_days=30
    )
    forever = storage.store(session, objects, storage.Upload(b"\xff\xd8\xffkeep", JPEG, EvidenceKind.PHOTO))
    session.commit()
    root = storage.evidence_root(data_dir)
    orphan = root / "2020" / "01" / "orphan-of-a-rollback.jpg"
    orphan.parent.mkdir(parents=True, exist_ok=True)
    orphan.write_bytes(b"no row")
    two_hours_ago = time.time() - 7200
    os.utime(orphan, (two_hours_ago, two_hours_ago))
    events_before = session.execute(
        sa.select(sa.func.count()).select_from(AuditEvent).where(AuditEvent.action == "evidence.purge")
    ).scalar_one()

    done = purge(settings)
    assert done.returncode == 0, done.stderr
    assert "NoReferencedTableError" not in done.stderr
    assert "purged 2 files" in done.stdout and "removed 1 orphan" in done.stdout

    session.expire_all()
    for row in expired:
        again = session.get(EvidenceFile, row.id)
        assert again.purged_at is not None and not (root / row.path).exists()
    for row in (fresh, forever):
        again = session.get(EvidenceFile, row.id)
        assert again.purged_at is None and (root / row.path).is_file()
    assert not orphan.exists()
    events = (
        session.execute(
            sa.select(AuditEvent).where(AuditEvent.action == "evidence.purge").order_by(AuditEvent.seq)
        )
        .scalars()
        .all()
    )
    assert len(events) == events_before + 1
    assert events[-1].after["purged_files"] == 2 and events[-1].after["orphans_removed"] == 1

    again = purge(settings)  # nothing left: no error, nothing more deleted
    assert again.returncode == 0, again.stderr
    assert "purged 0 files" in again.stdout
