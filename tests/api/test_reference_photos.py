"""Reference photos are biometric data: stored sealed in object storage (never plaintext, never in the row),
read back through the storage by the code that enrols them; old rows with the photo inline still read."""

from __future__ import annotations

import hashlib

import sqlalchemy as sa

from api.beneficiaries.models import Beneficiary, ReferenceFace
from api.beneficiaries.reference_photos import has_photo, load_photo
from api.core.db import make_sessionmaker
from api.core.storage import MAGIC, LocalStore, Storage
from api.roster.service import import_roster
from shared.enums import ReferenceSource
from tests.api.factories import ensure_regions
from tests.api.test_roster_import import _jpeg, row, write_csv

KEK = hashlib.sha256(b"reference photo test key").digest()


def test_roster_photos_are_sealed_in_storage(engine, session, tmp_path) -> None:
    with make_sessionmaker(engine)() as s:
        ensure_regions(s)
        s.commit()
    objects = Storage(LocalStore(tmp_path / "objects"), KEK)
    a = row()
    photos = tmp_path / "photos"
    photos.mkdir()
    (photos / f"{a['id_number']}.jpg").write_bytes(_jpeg())
    report = import_roster(engine, write_csv(tmp_path / "p.csv", [a]), photos_dir=photos, objects=objects)
    assert report.imported and report.photos == 1, report.errors
    person = session.execute(
        sa.select(Beneficiary).where(Beneficiary.id_number == a["id_number"])
    ).scalar_one()
    ref = session.execute(
        sa.select(ReferenceFace).where(ReferenceFace.beneficiary_id == person.id)
    ).scalar_one()
    assert ref.photo is None and ref.photo_path.startswith(f"references/{person.id}/")
    assert ref.photo_sha256 == hashlib.sha256(_jpeg()).hexdigest()
    stored = (tmp_path / "objects" / ref.photo_path).read_bytes()
    assert stored.startswith(MAGIC) and _jpeg() not in stored and b"JFIF" not in stored
    assert load_photo(objects, ref) == _jpeg()
    assert session.execute(
        sa.select(ReferenceFace.id).where(has_photo(), ReferenceFace.id == ref.id)
    ).scalar()


def test_a_failed_import_leaves_no_photo_behind(engine, tmp_path) -> None:
    objects = Storage(LocalStore(tmp_path / "objects"), KEK)
    a, bad = row(), row(region_code="999999")  # an unknown region fails the whole import
    photos = tmp_path / "photos"
    photos.mkdir()
    (photos / f"{a['id_number']}.jpg").write_bytes(_jpeg())
    report = import_roster(
        engine, write_csv(tmp_path / "p.csv", [a, bad]), photos_dir=photos, objects=objects
    )
    assert not report.imported and report.errors
    assert not (tmp_path / "objects").exists() or not any((tmp_path / "objects").rglob("*.img"))


def test_rows_with_the_photo_inline_still_read(session, make_person, tmp_path) -> None:
    person = make_person(name="旧照片")
    ref = ReferenceFace(
        beneficiary_id=person.id,
        source=ReferenceSource.ID_PHOTO,
        photo=_jpeg(),
        photo_sha256="x",
        active=True,
    )
    session.add(ref)
    session.flush()
    assert load_photo(Storage(LocalStore(tmp_path), KEK), ref) == _jpeg()
    session.rollback()
