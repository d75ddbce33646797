"""`lifecert faces enrol-pending`: templates for reference photos that have none or an outdated one."""

from __future__ import annotations

import sqlalchemy as sa

from api.beneficiaries.models import ReferenceFace
from api.cli import main as cli_main
from face.verify import EMBEDDING_PATH
from shared.enums import ReferenceSource
from tests.shared_data import require_shared


def test_enrol_pending_fills_missing_and_outdated_templates(
    db_url, session, make_person, monkeypatch, capsys
):
    photo = (require_shared("faces", "identities", "obama") / "obama.jpg").read_bytes()
    person = make_person(name="欧巴马")
    missing = ReferenceFace(beneficiary_id=person.id, source=ReferenceSource.ID_PHOTO, photo=photo)
    outdated = ReferenceFace(
        beneficiary_id=person.id,
        source=ReferenceSource.ID_PHOTO,
        photo=photo,
        template=[0.1] * 128,
        model_name="Dlib",
        detector="dlib",  # an older embedding path: verify ignores it
    )
    unusable = ReferenceFace(
        beneficiary_id=person.id, source=ReferenceSource.ID_PHOTO, photo=b"not a picture"
    )
    session.add_all([missing, outdated, unusable])
    session.commit()

    monkeypatch.setenv("LIFECERT_DATABASE_URL", db_url)
    assert cli_main(["faces", "enrol-pending"]) == 1  # one photo had no usable face
    assert "2 templates computed, 1 photos without a usable face" in capsys.readouterr().out

    session.expire_all()
    for ref in (missing, outdated):
        row = session.get(ReferenceFace, ref.id)
        assert row.detector == EMBEDDING_PATH and len(row.template) == 128 and row.template != [0.1] * 128
    assert session.get(ReferenceFace, unusable.id).template is None
    # A second run has nothing left to do but the unusable photo.
    assert cli_main(["faces", "enrol-pending"]) == 1
    assert "0 templates computed, 1 photos" in capsys.readouterr().out
    assert session.execute(sa.select(sa.func.count()).select_from(ReferenceFace)).scalar() == 3
