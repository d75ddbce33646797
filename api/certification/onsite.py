"""Staff on-site and home-visit certification: the staff member runs the face challenge on their own
device for the person in front of them (operator recorded) and can enrol or refresh the person's
reference face after checking the ID document (人脸建模)."""

from __future__ import annotations

import hashlib

import sqlalchemy as sa
from sqlalchemy.orm import Session

from api import audit
from api.auth.models import StaffUser
from api.beneficiaries.models import Beneficiary, ReferenceFace
from face.types import Template
from shared.enums import ReferenceSource


def enrol_reference(
    session: Session,
    *,
    person: Beneficiary,
    template: Template,
    photo: bytes,
    staff: StaffUser,
    replace: bool,
) -> ReferenceFace:
    """Add an on-site reference face; with ``replace`` the earlier references stop being used."""
    retired: list[int] = []
    if replace:
        retired = list(
            session.execute(
                sa.select(ReferenceFace.id).where(
                    ReferenceFace.beneficiary_id == person.id, ReferenceFace.active.is_(True)
                )
            ).scalars()
        )
        if retired:
            session.execute(
                sa.update(ReferenceFace).where(ReferenceFace.id.in_(retired)).values(active=False)
            )
    row = ReferenceFace(
        beneficiary_id=person.id,
        source=ReferenceSource.ONSITE_ENROLMENT,
        template=list(template.vector),
        model_name=template.model,
        detector=template.detector,
        photo=photo,
        photo_sha256=hashlib.sha256(photo).hexdigest(),
        active=True,
    )
    session.add(row)
    session.flush()
    audit.record(
        session,
        actor=f"staff:{staff.id}",
        action="reference.enrol",
        entity_type="reference_face",
        entity_id=row.id,
        before={"active_reference_ids": retired} if replace else None,
        after={"beneficiary_id": person.id, "source": row.source, "replaced": retired},
        reason="ID document checked on site",
    )
    return row
