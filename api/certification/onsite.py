"""Staff on-site and home-visit certification: the staff member runs the face challenge on their own
device for the person in front of them (operator recorded) and can enrol or refresh the person's
reference face after checking the ID document (人脸建模)."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from api.auth.models import StaffUser
from api.beneficiaries.models import Beneficiary, ReferenceFace
from api.certification.references import add_reference
from api.core.errors import ApiError
from api.core.storage import Storage
from face.types import Template
from shared.enums import ReferenceSource


def check_id_card(person: Beneficiary, last4: str) -> None:
    """422 ``id_card_mismatch`` unless ``last4`` (typed by the staff member from the ID card in hand) are
    the last 4 characters of the person's ID number: the card shown belongs to the person on the roll."""
    if last4.strip().upper() != person.id_number[-4:]:
        raise ApiError(
            422,
            "id_card_mismatch",
            "The last 4 characters of the ID card do not match this person's record: check the card.",
        )


def enrol_reference(
    session: Session,
    *,
    person: Beneficiary,
    template: Template,
    photo: bytes,
    staff: StaffUser,
    replace: bool,
    objects: Storage | None = None,
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
    return add_reference(
        session,
        person=person,
        template=template,
        photo=photo,
        source=ReferenceSource.ONSITE_ENROLMENT,
        actor=f"staff:{staff.id}",
        reason="ID document checked on site",
        before={"active_reference_ids": retired} if replace else None,
        details={"replaced": retired},
        objects=objects,
    )
