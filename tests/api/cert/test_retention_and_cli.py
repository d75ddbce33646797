"""`lifecert retention purge` and `lifecert staff create`, run in-process against the test database."""

from __future__ import annotations

import os
import time
from datetime import timedelta

import pytest
import sqlalchemy as sa

from api.audit import AuditEvent
from api.auth.models import StaffUser
from api.cli import main
from api.core.db import utcnow
from api.core.storage import storage_for
from api.evidence import storage
from api.evidence.filetypes import JPEG
from api.evidence.models import EvidenceFile, EvidenceKind


@pytest.fixture
def cli_env(monkeypatch, settings):
    monkeypatch.setenv("LIFECERT_DATABASE_URL", settings.database_url)
    monkeypatch.setenv("LIFECERT_DATA_DIR", str(settings.data_dir))
    return settings


def test_purge_deletes_expired_files_and_orphans_only(cli_env, session, capsys):
    data_dir = cli_env.data_dir
    objects = storage_for(cli_env)  # the local directory: what the CLI's purge deletes through
    old = storage.store(
        session,
        objects,
        storage.Upload(b"\xff\xd8\xffold", JPEG, EvidenceKind.FRAME),
        keep_days=30,
        now=utcnow() - timedelta(days=31),
    )
    fresh = storage.store(
        session, objects, storage.Upload(b"\xff\xd8\xfffresh", JPEG, EvidenceKind.FRAME), keep_days=30
    )
    kept = storage.store(session, objects, storage.Upload(b"\xff\xd8\xffkept", JPEG, EvidenceKind.PHOTO))
    session.commit()
    root = storage.evidence_root(data_dir)
    orphan = root / "orphan.jpg"
    orphan.write_bytes(b"left by a rolled-back upload")
    hour_ago = time.time() - 7200
    os.utime(orphan, (hour_ago, hour_ago))
    just_written = root / "in-flight.jpg"
    just_written.write_bytes(b"a transaction still running")

    assert main(["retention", "purge"]) == 0
    assert "purged 1 files" in capsys.readouterr().out
    session.expire_all()
    assert not (root / old.path).exists() and session.get(EvidenceFile, old.id).purged_at is not None
    assert (root / fresh.path).exists() and session.get(EvidenceFile, fresh.id).purged_at is None
    assert (root / kept.path).exists() and storage.read(
        objects, session.get(EvidenceFile, kept.id)
    ) == b"\xff\xd8\xffkept"
    assert storage.read(objects, session.get(EvidenceFile, old.id)) is None
    assert not orphan.exists() and just_written.exists()
    event = (
        session.execute(sa.select(AuditEvent).where(AuditEvent.action == "evidence.purge"))
        .scalars()
        .all()[-1]
    )
    assert event.after["purged_files"] == 1 and event.after["orphans_removed"] == 1

    assert main(["retention", "purge"]) == 0  # nothing left to do: idempotent
    assert "purged 0 files" in capsys.readouterr().out


def test_staff_create_command(cli_env, session, monkeypatch, capsys):
    monkeypatch.setenv("LIFECERT_STAFF_PASSWORD", "a long password")
    assert main(["staff", "create", "--username", "cli_admin", "--name", "管理员", "--role", "admin"]) == 0
    assert "created staff user cli_admin" in capsys.readouterr().out
    staff = session.execute(sa.select(StaffUser).where(StaffUser.username == "cli_admin")).scalar_one()
    assert staff.role.value == "admin" and staff.password_hash.startswith("$argon2id$")
    assert "a long password" not in staff.password_hash
    assert main(["staff", "create", "--username", "cli_admin", "--name", "again", "--role", "admin"]) == 1
    assert "already taken" in capsys.readouterr().err
    monkeypatch.setenv("LIFECERT_STAFF_PASSWORD", "short")
    assert main(["staff", "create", "--username", "cli_weak", "--name", "x", "--role", "reviewer"]) == 1
    with pytest.raises(SystemExit):
        main(["staff", "create", "--username", "x", "--name", "x", "--role", "superuser"])
