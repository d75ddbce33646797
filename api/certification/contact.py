"""At the end of any certification the person confirms or updates their phone and address, with the
single-use code the passed certification handed out (short-lived; only its SHA-256 is stored)."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from api import audit
from api.beneficiaries.models import Beneficiary, Certification
from api.certification.models import ContactCode, ContactConfirmation
from api.core.errors import ApiError

INVALID_CODE = (
    "This code cannot be used: it has expired or was already used. Contact details can be updated right "
    "after a certification."
)


def _digest(code: str) -> str:
    return hashlib.sha256(code.encode("utf-8")).hexdigest()


def issue_code(
    session: Session, *, person: Beneficiary, certification: Certification, now: datetime, minutes: int
) -> tuple[str, datetime]:
    """A new code for one contact update of ``person`` (flushed in the caller's transaction)."""
    code = secrets.token_urlsafe(24)
    expires_at = now + timedelta(minutes=minutes)
    session.add(
        ContactCode(
            code_sha256=_digest(code),
            beneficiary_id=person.id,
            certification_id=certification.id,
            expires_at=expires_at,
            created_at=now,
        )
    )
    session.flush()
    return code, expires_at


def redeem_code(session: Session, code: str, *, now: datetime) -> tuple[Certification, Beneficiary]:
    """Use the code up (one conditional UPDATE: two requests with one code never both succeed); 422
    ``contact_code_invalid`` for an unknown, expired or used code."""
    row = session.execute(
        sa.update(ContactCode)
        .where(
            ContactCode.code_sha256 == _digest(code),
            ContactCode.used_at.is_(None),
            ContactCode.expires_at > now,
        )
        .values(used_at=now)
        .returning(ContactCode.certification_id, ContactCode.beneficiary_id)
    ).first()
    if row is None:
        raise ApiError(422, "contact_code_invalid", INVALID_CODE)
    certification = session.get_one(Certification, row.certification_id)  # foreign keys: they exist
    person = session.get_one(Beneficiary, row.beneficiary_id, with_for_update=True)
    return certification, person


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
