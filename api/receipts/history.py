"""``POST /api/v1/receipts/history`` {id_number, name}: the person's last receipts (masked, newest first),
without their tokens (anyone who knows an ID number and name can ask).

The same rules as the status lookup: the same answer for an unknown ID number and a wrong name, and the
status lookup's per-client rate limit (both find a person by ID number and name).
"""

from __future__ import annotations

import sqlalchemy as sa
from fastapi import APIRouter, Request
from sqlalchemy.orm import Session

from api.beneficiaries.models import Beneficiary, Certification
from api.core.deps import ClientIp, SessionDep
from api.core.errors import ApiError
from api.core.limiter import Budget, RateLimiter
from api.receipts import service
from api.receipts.models import Receipt
from api.status.router import NOT_FOUND_MESSAGE
from api.status.service import names_match
from shared.idnumber import IdNumberError, parse_id_number
from shared.receipt_history import MAX_HISTORY, ReceiptHistory
from shared.schemas import ErrorDetail, ErrorResponse, ReceiptPublic, StatusRequest

router = APIRouter(prefix="/api/v1/receipts", tags=["receipts"])

_errors: dict[int | str, dict[str, object]] = {
    404: {"model": ErrorResponse, "description": "unknown ID number or name does not match (same answer)"},
    422: {"model": ErrorResponse, "description": "invalid input, with a message to show"},
    429: {"model": ErrorResponse, "description": "too many lookups from this client"},
}


def history(
    session: Session, person: Beneficiary, *, key: str, limit: int = MAX_HISTORY
) -> list[ReceiptPublic]:
    """The person's receipts, newest certification first, at most ``limit``."""
    rows = session.execute(
        sa.select(Receipt, Certification)
        .join(Certification, Certification.id == Receipt.certification_id)
        .where(Certification.beneficiary_id == person.id)
        .order_by(Certification.certified_at.desc(), Receipt.issued_at.desc(), Receipt.id)
        .limit(limit)
    ).all()
    return [
        service.public(receipt, certification, person, key=key, with_token=False)
        for receipt, certification in rows
    ]


@router.post("/history", response_model=ReceiptHistory, responses=_errors)
def receipt_history(
    body: StatusRequest, request: Request, ip: ClientIp, session: SessionDep
) -> ReceiptHistory:
    limiter: RateLimiter = request.app.state.limiter
    limiter.charge(Budget.PERSON_LOOKUP, ip)
    try:
        number = parse_id_number(body.id_number).number
    except IdNumberError as exc:
        raise ApiError(
            422,
            "invalid_id_number",
            exc.message,
            details=[ErrorDetail(field="id_number", code=exc.code, message=exc.message)],
        ) from None
    limiter.charge(Budget.PERSON_LOOKUP_PER_PERSON, limiter.person_key(number))
    person = session.execute(
        sa.select(Beneficiary).where(Beneficiary.id_number == number)
    ).scalar_one_or_none()
    if person is None or not names_match(body.name, person.name):
        raise ApiError(404, "not_found", NOT_FOUND_MESSAGE)
    return ReceiptHistory(receipts=history(session, person, key=request.app.state.settings.secret_key))
