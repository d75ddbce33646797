"""Adding a reference face from a template the engine made (on-site enrolment, or refreshed from a
passed certification with consent), with its audit event, in the caller's transaction."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from api import audit
from api.beneficiaries.models import Beneficiary, ReferenceFace
from api.beneficiaries.reference_photos import photo_columns
from api.core.storage import Storage
from face.types import Template
from shared.enums import ReferenceSource

ACTIONS = {
    ReferenceSource.ONSITE_ENROLMENT: "reference.enrol",
    ReferenceSource.REFRESHED: "reference.refresh",
}


def add_reference(
    session: Session,
    *,
    person: Beneficiary,
    template: Template,
    photo: bytes,
    source: ReferenceSource,
    actor: str,
    reason: str,
    before: Any = None,
    details: dict[str, Any] | None = None,
    objects: Storage | None = None,
    active: bool = True,
) -> ReferenceFace:
    """``objects``: where the photo goes, sealed (api/beneficiaries/reference_photos.py)."""
    row = ReferenceFace(
        beneficiary_id=person.id,
        source=source,
        template=list(template.vector),
        model_name=template.model,
        detector=template.detector,
        **photo_columns(objects, person.id, photo),
        active=active,
    )
    session.add(row)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action=ACTIONS[source],
        entity_type="reference_face",
        entity_id=row.id,
        before=before,
        after={"beneficiary_id": person.id, "source": source, **(details or {})},
        reason=reason,
    )
    return row
