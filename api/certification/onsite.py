"""Staff on-site and home-visit certification: the staff member runs the face challenge on their own
device for the person in front of them (operator recorded) and can enrol or refresh the person's
reference face after checking the ID document (人脸建模)."""

from __future__ import annotations

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
    """Add an on-site reference face, awaiting confirmation (api/certification/reference_rule.py): the
    signed-in staff member is recorded as the one who added it and checked the ID document; with
    ``replace`` the earlier references stop being used once this one is confirmed."""
    row = add_reference(
        session,
        person=person,
        template=template,
        photo=photo,
        source=ReferenceSource.ONSITE_ENROLMENT,
        actor=f"staff:{staff.id}",
        reason="ID document checked on site; awaiting a live check or a second staff member",
        details={"status": "awaiting_confirmation", "id_checked_by": staff.id, "replace": replace},
        active=False,
        objects=objects,
    )
    row.added_by_staff_id = staff.id
    row.id_checked_by_staff_id = staff.id
    row.awaiting_confirmation = True
    row.replaces_others = replace
    session.flush()
    return row
