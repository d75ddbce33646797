"""Public tip-offs (举报): anyone may report, without signing in, and later look up where the tip-off
stands with its reference and secret lookup code. Rate-limited per client; the answers never name anyone
and never tell whether the person named is on the roster."""

from __future__ import annotations

from fastapi import APIRouter, Request

from api.cases import service
from api.core.deps import ClientIp, SessionDep
from api.core.limiter import Budget, RateLimiter
from shared.case_schemas import CaseSource, TipoffCreate, TipoffLookup, TipoffReceipt, TipoffStatus
from shared.schemas import ErrorResponse

router = APIRouter(prefix="/api/v1/tipoffs", tags=["tip-offs"])
ERRORS: dict[int | str, dict[str, object]] = {code: {"model": ErrorResponse} for code in (404, 422, 429, 503)}


@router.post("", response_model=TipoffReceipt, status_code=201, responses=ERRORS)
def submit(body: TipoffCreate, request: Request, ip: ClientIp, session: SessionDep) -> TipoffReceipt:
    limiter: RateLimiter = request.app.state.limiter
    limiter.charge(Budget.TIPOFF, ip)
    case, code = service.open_tipoff(
        session,
        body,
        source=CaseSource.PUBLIC_TIPOFF,
        actor="public:tipoff",
        secret=request.app.state.settings.secret_key,
    )
    session.commit()
    assert code is not None  # a public tip-off always gets one
    return TipoffReceipt(reference=case.reference, lookup_code=code)


@router.post("/lookup", response_model=TipoffStatus, responses=ERRORS)
def lookup(body: TipoffLookup, request: Request, ip: ClientIp, session: SessionDep) -> TipoffStatus:
    limiter: RateLimiter = request.app.state.limiter
    limiter.charge(Budget.PERSON_LOOKUP, ip)
    case = service.public_lookup(
        session, body.reference, body.lookup_code, secret=request.app.state.settings.secret_key
    )
    return TipoffStatus(
        reference=case.reference,
        state=case.state.value,
        outcome=case.outcome.value if case.outcome is not None else None,
    )
