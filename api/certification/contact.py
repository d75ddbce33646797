"""At the end of any certification the person confirms or updates their phone and address."""

from __future__ import annotations

from sqlalchemy.orm import Session

from api import audit
from api.beneficiaries.models import Beneficiary, Certification
from api.certification.models import ContactConfirmation


def confirm(
    session: Session,
    *,
    person: Beneficiary,
    certification: Certification,
    phone: str | None,
    address: str | None,
) -> ContactConfirmation:
    changed = (phone is not None and phone != person.phone) or address is not None
    before = {"phone": person.phone}
    if phone is not None:
        person.phone = phone
    row = ContactConfirmation(
        beneficiary_id=person.id,
        certification_id=certification.id,
        phone=person.phone,
        address=address,
        changed=changed,
    )
    session.add(row)
    session.flush()
    audit.record(
        session,
        actor=f"beneficiary:{person.id}",
        action="contact.update" if changed else "contact.confirm",
        entity_type="beneficiary",
        entity_id=person.id,
        before=before,
        after={
            "phone": person.phone,
            "address_given": address is not None,
            "certification_id": certification.id,
        },
    )
    return row
