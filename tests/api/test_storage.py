"""Object storage (api/core/storage.py): the same contract on a local directory and on a real S3 server
(SeaweedFS, started by the tests); biometric objects sealed at rest; evidence written by one API replica read
by another through S3; retention purge through the interface; S3 down answers 503 and writes nothing."""

from __future__ import annotations

import hashlib
import io
import uuid
from datetime import timedelta

import pytest
import sqlalchemy as sa
from PIL import Image

from api.beneficiaries.models import ReferenceFace
from api.core.db import utcnow
from api.core.settings import StorageSettings
from api.core.storage import (
    MAGIC,
    LocalStore,
    S3Store,
    SealedObjectError,
    Storage,
    check_key,
    storage_for,
)
from api.evidence import storage as evidence
from api.evidence.filetypes import JPEG, PDF
from api.evidence.models import EvidenceFile, EvidenceKind
from shared.enums import StaffRole
from tests.s3_server import s3_server  # noqa: F401 - the session fixture

KEK = hashlib.sha256(b"test key-encryption key").digest()
FACE = b"\xff\xd8\xff\xe0 pretend these are the pixels of a face " * 20


def jpeg(color=(40, 160, 90)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), color).save(buffer, format="JPEG")
    return buffer.getvalue()


def _s3_store(server) -> S3Store:
    return S3Store(
        server.bucket,
        endpoint_url=server.endpoint_url,
        access_key_id=server.access_key_id,
        secret_access_key=server.secret_access_key,
    )


@pytest.fixture(params=["local", "s3"])
def objects(request, tmp_path) -> Storage:
    if request.param == "local":
        return Storage(LocalStore(tmp_path), KEK)
    return Storage(_s3_store(request.getfixturevalue("s3_server")), KEK)


@pytest.fixture
def prefix() -> str:
    return f"t-{uuid.uuid4().hex[:12]}"  # tests share the bucket: each its own prefix


def test_put_get_list_delete(objects, prefix) -> None:
    objects.put(f"{prefix}/a/plain.pdf", b"%PDF-1.4 a document")
    objects.put(f"{prefix}/b/face.jpg", FACE, sensitive=True)
    assert objects.get(f"{prefix}/a/plain.pdf") == b"%PDF-1.4 a document"
    assert objects.get(f"{prefix}/b/face.jpg") == FACE
    assert objects.get(f"{prefix}/nothing.jpg") is None
    listed = {o.key: o for o in objects.list(prefix)}
    assert set(listed) == {f"{prefix}/a/plain.pdf", f"{prefix}/b/face.jpg"}
    assert listed[f"{prefix}/a/plain.pdf"].size == len(b"%PDF-1.4 a document")
    assert listed[f"{prefix}/b/face.jpg"].modified <= utcnow() + timedelta(minutes=1)
    objects.delete(f"{prefix}/b/face.jpg")
    objects.delete(f"{prefix}/b/face.jpg")  # deleting what is gone is fine
    assert objects.get(f"{prefix}/b/face.jpg") is None
    assert [o.key for o in objects.list(prefix)] == [f"{prefix}/a/plain.pdf"]
    assert list(objects.list(f"{prefix}-none")) == []


def test_biometric_objects_are_not_stored_in_plaintext(objects, prefix) -> None:
    key = f"{prefix}/frame.jpg"
    objects.put(key, FACE, sensitive=True)
    raw = objects.get_raw(key)
    assert raw.startswith(MAGIC) and raw != FACE
    assert b"pixels of a face" not in raw and b"\xff\xd8\xff" not in raw
    objects.put(key + ".again", FACE, sensitive=True)
    assert objects.get_raw(key + ".again")[-len(FACE) :] != raw[-len(FACE) :]  # a fresh data key each time
    objects.put(f"{prefix}/doc.pdf", b"%PDF-1.4 not biometric")
    assert objects.get_raw(f"{prefix}/doc.pdf") == b"%PDF-1.4 not biometric"


def test_a_sealed_object_opens_only_with_its_key_at_its_place_unchanged(objects, prefix) -> None:
    key = f"{prefix}/frame.jpg"
    objects.put(key, FACE, sensitive=True)
    raw = objects.get_raw(key)
    other = Storage(objects.store, hashlib.sha256(b"another key").digest())
    with pytest.raises(SealedObjectError, match="another key"):
        other.get(key)
    objects.store.put(f"{prefix}/moved.jpg", raw)  # copied under another name
    with pytest.raises(SealedObjectError, match="altered"):
        objects.get(f"{prefix}/moved.jpg")
    flipped = raw[:-5] + bytes([raw[-5] ^ 1]) + raw[-4:]
    objects.store.put(key, flipped)
    with pytest.raises(SealedObjectError, match="altered"):
        objects.get(key)


@pytest.mark.parametrize("bad", ["../etc/passwd", "/abs", "a//b", "a/./b", "", "a/b/", "a\\b", "é/x"])
def test_object_keys_are_relative_and_plain(bad) -> None:
    with pytest.raises(ValueError, match="invalid object key"):
        check_key(bad)


def test_evidence_frames_and_photos_are_sealed_documents_not(session, tmp_path) -> None:
    objects = Storage(LocalStore(tmp_path), KEK)
    frame = evidence.store(session, objects, evidence.Upload(FACE, JPEG, EvidenceKind.FRAME), keep_days=30)
    photo = evidence.store(session, objects, evidence.Upload(jpeg(), JPEG, EvidenceKind.PHOTO))
    doc = evidence.store(session, objects, evidence.Upload(b"%PDF-1.4 form", PDF, EvidenceKind.DOCUMENT))
    session.commit()
    on_disk = {row.id: (tmp_path / "evidence" / row.path).read_bytes() for row in (frame, photo, doc)}
    assert on_disk[frame.id].startswith(MAGIC) and b"pixels of a face" not in on_disk[frame.id]
    assert on_disk[photo.id].startswith(MAGIC) and not on_disk[photo.id].startswith(b"\xff\xd8")
    assert on_disk[doc.id] == b"%PDF-1.4 form"
    assert evidence.read(objects, frame) == FACE and evidence.read(objects, photo) == jpeg()
    assert frame.sha256 == hashlib.sha256(FACE).hexdigest()  # of the plaintext


def test_purge_deletes_expired_objects_and_orphans_in_s3(session, s3_server) -> None:  # noqa: F811
    objects = Storage(_s3_store(s3_server), KEK)
    old = evidence.store(
        session,
        objects,
        evidence.Upload(FACE, JPEG, EvidenceKind.FRAME),
        keep_days=1,
        now=utcnow() - timedelta(days=2),
    )
    fresh = evidence.store(session, objects, evidence.Upload(FACE, JPEG, EvidenceKind.FRAME), keep_days=30)
    session.commit()
    orphan = f"evidence/orphans/{uuid.uuid4().hex}.jpg"
    objects.put(orphan, b"written for a transaction that rolled back")
    # Two hours from now, the orphan is older than the hour a running transaction is given.
    result = evidence.purge_expired(session, objects, now=utcnow() + timedelta(hours=2))
    session.commit()
    assert result.purged_files >= 1 and result.orphans_removed >= 1
    assert objects.get(evidence.object_key(old.path)) is None and objects.get(orphan) is None
    assert objects.get(evidence.object_key(fresh.path)) == FACE
    assert session.get(EvidenceFile, old.id).purged_at is not None


def _s3_settings(server, **extra) -> StorageSettings:
    return StorageSettings(
        backend="s3",
        s3_endpoint_url=server.endpoint_url,
        s3_bucket=server.bucket,
        s3_access_key_id=server.access_key_id,
        s3_secret_access_key=server.secret_access_key,
        **extra,
    )


def test_evidence_written_by_one_replica_is_read_by_another(
    make_client,
    make_person,
    make_staff,
    session,
    s3_server,  # noqa: F811
    tmp_path,
) -> None:
    storage = _s3_settings(s3_server, encryption_key="a shared key-encryption key of 32+ chars")
    replica_a = make_client(storage=storage, data_dir=tmp_path / "a")
    replica_b = make_client(storage=storage, data_dir=tmp_path / "b")
    assert replica_a.app is not replica_b.app
    reviewer = make_staff(StaffRole.REVIEWER)
    person = make_person(name="林复制")
    photo = jpeg((200, 30, 30))
    sent = replica_a.post(
        "/api/v1/manual-review",
        data={"id_number": person.id_number, "name": "林复制"},
        files=[("files", ("me.jpg", photo, "image/jpeg"))],
    )
    assert sent.status_code == 201, sent.text
    review_id = sent.json()["review_id"]
    item = replica_b.get(f"/api/v1/review/items/{review_id}", headers=reviewer).json()
    evidence_id = item["evidence"][0]["evidence_id"]
    opened = replica_b.get(f"/api/v1/review/items/{review_id}/evidence/{evidence_id}", headers=reviewer)
    assert opened.status_code == 200 and opened.content == photo
    assert replica_b.get("/readyz").json()["storage"] == "ok"  # the bucket answers
    # in the bucket, sealed; in neither replica's local directory
    row = session.get(EvidenceFile, evidence_id)
    raw = _s3_store(s3_server).get(evidence.object_key(row.path))
    assert raw.startswith(MAGIC) and photo not in raw
    assert not any((tmp_path / "a").rglob("*.jpg")) and not any((tmp_path / "b").rglob("*.jpg"))
    assert storage_for(replica_b.app.state.settings).get(evidence.object_key(row.path)) == photo


def test_storage_down_answers_503_and_writes_nothing(make_client, make_person, session) -> None:
    from tests.s3_server import free_ports

    (closed,) = free_ports(1)
    down = make_client(
        storage=StorageSettings(
            backend="s3",
            s3_endpoint_url=f"http://127.0.0.1:{closed}",
            s3_access_key_id="k",
            s3_secret_access_key="s",
        )
    )
    person = make_person(name="周存储")
    resp = down.post(
        "/api/v1/manual-review",
        data={"id_number": person.id_number, "name": "周存储"},
        files=[("files", ("me.jpg", jpeg(), "image/jpeg"))],
    )
    assert resp.status_code == 503 and resp.json()["error"] == "storage_unavailable"
    assert resp.headers["Retry-After"] == "10"
    ready = down.get("/readyz")  # the load balancer sends traffic to replicas whose storage answers
    assert ready.status_code == 503 and ("storage", "unavailable") in [
        (d["field"], d["code"]) for d in ready.json()["details"]
    ]
    from api.review.models import ReviewItem

    session.expire_all()
    assert (
        session.execute(
            sa.select(sa.func.count()).select_from(ReviewItem).where(ReviewItem.beneficiary_id == person.id)
        ).scalar_one()
        == 0
    )


def test_audit_anchors_go_to_s3_and_are_checked_from_there(session, s3_server, prefix) -> None:  # noqa: F811
    """The anchors live outside the database: here in the bucket, where another replica reads them."""
    from api import audit
    from api.audit_anchor import latest_anchor, verify_anchor, write_anchor

    audit.record(session, actor="staff:1", action="x.anchor", entity_type="t", entity_id=1, region="110101")
    session.commit()
    writer = Storage(_s3_store(s3_server), KEK)
    name = write_anchor(session, writer, prefix=f"{prefix}/anchors", key=audit.current_key())
    reader = Storage(_s3_store(s3_server), KEK)  # another process's client
    assert latest_anchor(reader, f"{prefix}/anchors") == name
    report = verify_anchor(session, reader, prefix=f"{prefix}/anchors", key=audit.current_key())
    assert report.ok and report.anchor == name and report.chains >= 1
    assert b'"mac"' in reader.get(name)  # plain JSON: signed, not sealed


def test_seal_existing_encrypts_what_was_stored_before(
    settings, session, make_person, monkeypatch, capsys
) -> None:
    """`lifecert storage seal-existing`: plaintext frames from before are sealed in place, reference photos in
    the database move to storage sealed; a second run has nothing to do."""
    from api.beneficiaries.reference_photos import load_photo
    from api.cli import main
    from shared.enums import ReferenceSource

    monkeypatch.setenv("LIFECERT_DATABASE_URL", settings.database_url)
    monkeypatch.setenv("LIFECERT_DATA_DIR", str(settings.data_dir))
    objects = storage_for(settings)
    person = make_person(name="旧数据")
    old_frame = EvidenceFile(
        kind=EvidenceKind.FRAME,
        content_type="image/jpeg",
        size_bytes=len(FACE),
        sha256=hashlib.sha256(FACE).hexdigest(),
        path=f"2025/01/{uuid.uuid4().hex}.jpg",
    )
    objects.store.put(evidence.object_key(old_frame.path), FACE)  # as written before encryption
    ref = ReferenceFace(
        beneficiary_id=person.id, source=ReferenceSource.ID_PHOTO, photo=jpeg(), photo_sha256="x", active=True
    )
    session.add_all([old_frame, ref])
    session.commit()

    assert main(["storage", "seal-existing"]) == 0
    out = capsys.readouterr().out
    assert "sealed 1 evidence" in out and "moved 1 reference" in out
    raw = (settings.data_dir / "evidence" / old_frame.path).read_bytes()
    assert raw.startswith(MAGIC) and b"pixels of a face" not in raw
    assert evidence.read(objects, old_frame) == FACE
    session.expire_all()
    moved = session.get(ReferenceFace, ref.id)
    assert moved.photo is None and moved.photo_path and load_photo(objects, moved) == jpeg()
    assert main(["storage", "seal-existing"]) == 0
    assert "sealed 0 evidence" in capsys.readouterr().out
