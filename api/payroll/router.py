"""The payroll file of a month for the paying bank, the import of its return file, and the failures it
reported — for admins, limited to the people of their region subtree."""

from __future__ import annotations

from typing import Annotated, Literal

import sqlalchemy as sa
from fastapi import APIRouter, File, Path, UploadFile
from fastapi.responses import Response
from sqlalchemy.exc import IntegrityError

from api import audit
from api.auth.deps import Admin, StaffScope
from api.beneficiaries.models import Beneficiary, Entitlement
from api.core.db import utcnow
from api.core.deps import SessionDep
from api.core.edge import RowId
from api.core.errors import ApiError
from api.payroll import csv_file, fixed_width, returns
from api.payroll.models import PaymentFailure
from api.payroll.rows import MonthNotRun, PayrollFile, build
from api.regions.scope import RegionScope
from shared.backoffice_schemas import PaymentFailurePublic, PaymentFailureResolve, PayrollReturnResult
from shared.enums import PaymentFailureState
from shared.idnumber import mask_id
from shared.months import YearMonth
from shared.schemas import ErrorResponse
from shared.wire import MONTH_PATTERN

router = APIRouter(prefix="/api/v1/backoffice/payroll", tags=["back office"])
ERRORS: dict[int | str, dict[str, object]] = {
    code: {"model": ErrorResponse} for code in (401, 403, 404, 409, 413, 422)
}
MAX_RETURN_BYTES = 8 * 1024 * 1024  # about 170,000 fixed-width lines
MonthPath = Annotated[str, Path(pattern=MONTH_PATTERN, description="YYYY-MM")]


def _payroll(session: SessionDep, month: str, scope: RegionScope) -> PayrollFile:
    try:
        return build(session, YearMonth.parse(month), scope=scope, now=utcnow())
    except MonthNotRun as exc:
        raise ApiError(409, "payroll_month_not_run", str(exc), params={"month": month}) from None


@router.get("/{month}.{fmt}", response_class=Response, responses=ERRORS)
def export(
    month: MonthPath, fmt: Literal["csv", "txt"], admin: Admin, scope: StaffScope, session: SessionDep
) -> Response:
    """The month's file: ``csv`` (UTF-8) or ``txt`` (fixed width, GB18030, docs/payroll-file.md)."""
    payroll = _payroll(session, month, scope)
    audit.record(
        session,
        actor=f"staff:{admin.id}",
        action="payroll.export",
        entity_type="payroll",
        entity_id=month,
        after={"format": fmt, "rows": len(payroll.rows), "region_code": scope.region_code},
    )
    session.commit()
    name = f"payroll-{month}.{fmt}"
    if fmt == "csv":
        body, media = csv_file.write(payroll), "text/csv; charset=utf-8"
    else:
        body, media = fixed_width.write(payroll), "text/plain; charset=gb18030"
    return Response(body, media_type=media, headers={"Content-Disposition": f'attachment; filename="{name}"'})


@router.post("/{month}/return", response_model=PayrollReturnResult, responses=ERRORS)
def import_return(
    month: MonthPath,
    admin: Admin,
    scope: StaffScope,
    session: SessionDep,
    file: Annotated[UploadFile, File(description="the bank's return file (fixed width or CSV)")],
) -> PayrollReturnResult:
    data = file.file.read(MAX_RETURN_BYTES + 1)
    if len(data) > MAX_RETURN_BYTES:
        raise ApiError(
            413,
            "payroll_return_too_large",
            "The return file is too large.",
            params={"max_bytes": MAX_RETURN_BYTES},
        )
    payroll = _payroll(session, month, scope)
    try:
        lines = returns.parse(data)
        result = returns.apply(session, payroll, lines, data=data, actor=f"staff:{admin.id}")
        session.commit()
    except returns.ReturnLineError as exc:
        session.rollback()
        raise ApiError(422, exc.code, str(exc), params={"line": exc.line}) from None
    except IntegrityError:  # the same file imported at the same moment by someone else: theirs counts
        session.rollback()
        raise ApiError(
            409, "payroll_return_concurrent", "This return file is being imported right now."
        ) from None
    return PayrollReturnResult(
        month=month,
        lines=result.lines,
        paid=result.paid,
        failed=result.failed,
        new_failures=result.new_failures,
    )


def _public(case: PaymentFailure, id_number: str) -> PaymentFailurePublic:
    return PaymentFailurePublic(
        id=case.id,
        ref=case.ref,
        month=str(case.month),
        entitlement_id=case.entitlement_id,
        masked_id=mask_id(id_number),
        action=case.action,
        amount_cents=case.amount_cents,
        reason_code=case.reason_code,
        state=case.state,
        created_at=case.created_at,
    )


def _scoped_failures(scope: RegionScope) -> sa.Select[PaymentFailure, str]:
    return (
        sa.select(PaymentFailure, Beneficiary.id_number)
        .join(Entitlement, Entitlement.id == PaymentFailure.entitlement_id)
        .join(Beneficiary, Beneficiary.id == Entitlement.beneficiary_id)
        .where(scope.people())
    )


@router.get("/failures", response_model=list[PaymentFailurePublic], responses=ERRORS)
def failures(
    _admin: Admin,
    scope: StaffScope,
    session: SessionDep,
    state: PaymentFailureState = PaymentFailureState.OPEN,
) -> list[PaymentFailurePublic]:
    found = session.execute(
        _scoped_failures(scope).where(PaymentFailure.state == state).order_by(PaymentFailure.id).limit(500)
    )
    return [_public(case, id_number) for case, id_number in found]


@router.post("/failures/{failure_id}/resolve", response_model=PaymentFailurePublic, responses=ERRORS)
def resolve(
    failure_id: RowId, body: PaymentFailureResolve, admin: Admin, scope: StaffScope, session: SessionDep
) -> PaymentFailurePublic:
    found = session.execute(
        _scoped_failures(scope).where(PaymentFailure.id == failure_id).with_for_update(of=PaymentFailure)
    ).one_or_none()
    if found is None:
        raise ApiError(404, "not_found", "No such payment failure.")
    case, id_number = found
    if case.state is not PaymentFailureState.OPEN:
        raise ApiError(409, "payment_failure_resolved", "This payment failure is resolved already.")
    case.state, case.resolved_at = PaymentFailureState.RESOLVED, utcnow()
    audit.record(
        session,
        actor=f"staff:{admin.id}",
        action="payment_failure.resolve",
        entity_type="payment_failure",
        entity_id=case.id,
        before={"state": PaymentFailureState.OPEN.value},
        after={"state": PaymentFailureState.RESOLVED.value},
        reason=body.reason,
    )
    session.commit()
    return _public(case, id_number)
