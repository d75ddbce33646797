"""``POST /api/v1/status``: masked identity and each entitlement's certification state."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response

from api.core.db import utcnow
from api.core.deps import ClientIp
from api.core.errors import ApiError
from api.core.limiter import Budget, RateLimiter
from api.status.service import lookup_status
from shared.idnumber import IdNumberError, parse_id_number
from shared.schemas import ErrorDetail, ErrorResponse, OfficeContact, StatusRequest, StatusResponse

router = APIRouter(prefix="/api/v1", tags=["status"])

NOT_FOUND_MESSAGE = (
    "No record matches this ID number and name. Please check both against your ID card; "
    "if they are right, contact your social-insurance office."
)

_errors: dict[int | str, dict[str, object]] = {
    404: {"model": ErrorResponse, "description": "unknown ID number or name does not match (same answer)"},
    422: {"model": ErrorResponse, "description": "invalid input, with a message to show"},
    429: {"model": ErrorResponse, "description": "too many lookups from this client or of this person"},
    503: {"model": ErrorResponse, "description": "the limiter's storage (Redis) cannot be reached"},
}


# The ordinary lookup is answered by api.status.fast.StatusFastPath before it reaches this route; keep
# the two in step (same checks in the same order, same answers).
@router.post("/status", response_model=StatusResponse, responses=_errors)
def post_status(body: StatusRequest, request: Request, ip: ClientIp) -> Response:
    limiter: RateLimiter = request.app.state.limiter
    limiter.charge(Budget.PERSON_LOOKUP, ip)
    try:
        info = parse_id_number(body.id_number)
    except IdNumberError as exc:
        raise ApiError(
            422,
            "invalid_id_number",
            exc.message,
            details=[ErrorDetail(field="id_number", code=exc.code, message=exc.message)],
        ) from None
    limiter.charge(Budget.PERSON_LOOKUP_PER_PERSON, limiter.person_key(info.number))
    # A plain connection opened here (not a dependency): one worker-thread hop per request. The standby
    # answers when there is one (api/core/replica.py).
    state = request.app.state
    result = state.reads.run(
        lambda conn: lookup_status(
            conn,
            id_number=info.number,
            name=body.name,
            now_utc=utcnow(),
            policy=state.policy,
            region_path=state.region_paths.path,
        )
    )
    if result is None:
        raise ApiError(404, "not_found", NOT_FOUND_MESSAGE)
    # Already a validated StatusResponse: serialise it once instead of letting FastAPI validate it again.
    return Response(result.model_dump_json(), media_type="application/json")


# Region codes nest by prefix: province 2 digits, city 4, county 6, township 9, village 12.
REGION_PREFIXES = (2, 4, 6, 9, 12)
REGION_CODE = r"^\d{2}(\d{2}(\d{2}(\d{3}(\d{3})?)?)?)?$"
RegionQuery = Annotated[str | None, Query(pattern=REGION_CODE, description="e.g. 110101")]


@router.get("/office", response_model=OfficeContact, responses={422: _errors[422]})
def office_contact(request: Request, region: RegionQuery = None) -> OfficeContact:
    """The office number to call (the citizens' "other ways" screen): the policy's ``office_phone`` of the
    most specific region on the code's path, else its ``[default]`` (12333, the national hotline)."""
    path = [region[:n] for n in REGION_PREFIXES if region and n <= len(region)]
    return OfficeContact(phone=request.app.state.policy.office_phone_for(path), region=region)
