"""Issuing a receipt for a certification and checking a presented token."""

from __future__ import annotations

import secrets
from urllib.parse import quote, unquote

import sqlalchemy as sa
from sqlalchemy.orm import Session

from api.auth.signing import BadSignature
from api.beneficiaries.models import Beneficiary, Certification
from api.receipts import token as receipt_token
from api.receipts.models import Receipt
from api.receipts.token import ReceiptFacts
from shared.idnumber import mask_id, mask_name
from shared.schemas import ReceiptPublic, ReceiptVerification

QR_PATH = "/api/v1/receipts/qr"
CHECK_PATH = "/r/"  # the public check page of a receipt (api/receipts/page.py)


def check_url(public_url: str, token: str) -> str:
    """What a receipt's QR code holds: the service's check page for this token."""
    return public_url.rstrip("/") + CHECK_PATH + quote(token, safe="")


def token_from_scan(text: str) -> str:
    """The token in what a QR code said: a check-page URL (``…/r/<token>``, any host) or a bare token."""
    text = text.strip()
    if CHECK_PATH in text:
        text = text.rsplit(CHECK_PATH, 1)[1].split("?", 1)[0].split("#", 1)[0]
        text = text.removesuffix(".pdf")
    return unquote(text)


def issue(session: Session, *, certification: Certification, person: Beneficiary) -> Receipt:
    """A receipt for a just-recorded certification (flushed in the caller's transaction)."""
    receipt = Receipt(
        id=secrets.token_urlsafe(12),
        certification_id=certification.id,
        valid_until=certification.window_end,
    )
    session.add(receipt)
    session.flush()
    return receipt


def facts(receipt: Receipt, certification: Certification, person: Beneficiary) -> ReceiptFacts:
    return ReceiptFacts(
        receipt_id=receipt.id,
        holder_name=mask_name(person.name),
        holder_id=mask_id(person.id_number),
        method=certification.method,
        certified_on=certification.local_date,
        valid_until=receipt.valid_until,
    )


def public(
    receipt: Receipt, certification: Certification, person: Beneficiary, *, key: str, with_token: bool = True
) -> ReceiptPublic:
    """The receipt as its holder sees it; ``with_token=False`` for lookups by ID number and name, which
    anyone knowing both can make (the token is for whoever certified)."""
    f = facts(receipt, certification, person)
    return ReceiptPublic(
        receipt_id=f.receipt_id,
        holder_name=f.holder_name,
        holder_id=f.holder_id,
        method=f.method,
        certified_on=f.certified_on,
        valid_until=f.valid_until,
        token=receipt_token.encode(f, key=key) if with_token else None,
    )


def public_for_certification(session: Session, certification_id: int, *, key: str) -> ReceiptPublic | None:
    receipt = session.execute(
        sa.select(Receipt).where(Receipt.certification_id == certification_id)
    ).scalar_one_or_none()
    if receipt is None:
        return None
    certification = session.get_one(Certification, certification_id)  # the receipt's foreign key
    person = session.get_one(Beneficiary, certification.beneficiary_id)
    return public(receipt, certification, person, key=key)


INVALID_MESSAGE = "This receipt is not valid: it was not issued by this service or it was altered."


def verify(session: Session, token: str, *, key: str) -> ReceiptVerification:
    """Valid only when the signature holds and the receipt still exists with the same facts."""
    try:
        claimed = receipt_token.decode(token, key=key)
    except BadSignature:
        return ReceiptVerification(valid=False, message=INVALID_MESSAGE)
    receipt = session.get(Receipt, claimed.receipt_id)
    if receipt is None:
        return ReceiptVerification(valid=False, message=INVALID_MESSAGE)
    certification = session.get_one(Certification, receipt.certification_id)  # foreign keys: they exist
    person = session.get_one(Beneficiary, certification.beneficiary_id)
    if facts(receipt, certification, person) != claimed:
        return ReceiptVerification(valid=False, message=INVALID_MESSAGE)
    return ReceiptVerification(
        valid=True,
        message="This receipt is valid.",
        receipt_id=claimed.receipt_id,
        holder_name=claimed.holder_name,
        holder_id=claimed.holder_id,
        method=claimed.method,
        certified_on=claimed.certified_on,
        valid_until=claimed.valid_until,
    )
