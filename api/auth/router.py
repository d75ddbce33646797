"""Sign-in for staff and helpers, helper registration, staff administration."""

from __future__ import annotations

from collections.abc import Callable

import sqlalchemy as sa
from fastapi import APIRouter, Response
from sqlalchemy.orm import Session

from api.auth import service
from api.auth.deps import Admin, CurrentAccount, CurrentStaff, StaffScope
from api.auth.models import StaffUser
from api.core.context import CertContext, CertContextDep, RateLimited
from api.core.db import session_scope, utcnow
from api.core.deps import ClientIp, SessionDep
from api.core.edge import RowId
from api.core.errors import ApiError
from api.core.limiter import Budget
from shared.idnumber import mask_id, mask_name
from shared.schemas import (
    ErrorResponse,
    HelperPublic,
    HelperRegisterRequest,
    LoginRequest,
    PasswordChange,
    StaffCreate,
    StaffPublic,
    TokenResponse,
)

router = APIRouter(prefix="/api/v1", tags=["accounts"])
ERRORS: dict[int | str, dict[str, object]] = {
    code: {"model": ErrorResponse} for code in (401, 403, 409, 422, 429, 503)
}


def staff_public(staff: StaffUser) -> StaffPublic:
    return StaffPublic(
        staff_id=staff.id,
        username=staff.username,
        name=staff.name,
        role=staff.role,
        region_code=staff.region_code,
    )


def _login(
    login: Callable[..., TokenResponse],
    body: LoginRequest,
    session: Session,
    ctx: CertContext,
    minutes: int,
    *,
    kind: str,
    ip: str,
    **extra: bool,
) -> TokenResponse:
    """Sign in, throttled: failed attempts count per account and per client; once either budget is used
    up every attempt (even with the right password) is refused with 429 until the window moves on."""
    limiter = ctx.limiter
    account = limiter.person_key(f"{kind}:{body.username.strip().lower()}")
    limiter.require_room(Budget.LOGIN_PER_ACCOUNT, account)
    limiter.require_room(Budget.LOGIN_PER_CLIENT, ip)
    try:
        return login(
            session,
            body.username,
            body.password,
            key=ctx.settings.secret_key,
            minutes=minutes,
            now=utcnow(),
            **extra,
        )
    except ApiError as exc:
        if exc.status_code == 401:
            limiter.hit(Budget.LOGIN_PER_ACCOUNT, account)
            limiter.hit(Budget.LOGIN_PER_CLIENT, ip)
        raise


@router.post("/auth/staff/login", response_model=TokenResponse, responses=ERRORS)
def staff_login(body: LoginRequest, session: SessionDep, ctx: CertContextDep, ip: ClientIp) -> TokenResponse:
    return _login(
        service.login_staff,
        body,
        session,
        ctx,
        ctx.cert.staff_token_minutes,
        kind="staff",
        ip=ip,
        production=ctx.settings.is_production,
    )


@router.post("/auth/helper/login", response_model=TokenResponse, responses=ERRORS)
def helper_login(body: LoginRequest, session: SessionDep, ctx: CertContextDep, ip: ClientIp) -> TokenResponse:
    """Helpers sign in with their ID number as user name."""
    return _login(
        service.login_helper, body, session, ctx, ctx.cert.helper_token_minutes, kind="helper", ip=ip
    )


@router.post("/auth/logout", status_code=204, response_class=Response, responses=ERRORS)
def logout(account: CurrentAccount, session: SessionDep) -> Response:
    """Sign out: this token and every other token of the account stop working."""
    service.sign_out(session, account)
    session.commit()
    return Response(status_code=204)


@router.post("/auth/password", status_code=204, response_class=Response, responses=ERRORS)
def change_password(body: PasswordChange, account: CurrentAccount, session: SessionDep) -> Response:
    """A new password; every token of the account (this one too) stops working: sign in again."""
    service.change_password(session, account, current=body.current_password, new=body.new_password)
    session.commit()
    return Response(status_code=204)


@router.post(
    "/helpers", response_model=HelperPublic, status_code=201, responses=ERRORS, dependencies=[RateLimited]
)
def register_helper(body: HelperRegisterRequest, ctx: CertContextDep) -> HelperPublic:
    with session_scope(ctx.sessions) as session:
        helper = service.create_helper(
            session, id_number=body.id_number, name=body.name, phone=body.phone, password=body.password
        )
        return HelperPublic(
            helper_id=helper.id, name=mask_name(helper.name), id_number=mask_id(helper.id_number)
        )


@router.get("/staff/me", response_model=StaffPublic, responses=ERRORS)
def staff_me(staff: CurrentStaff) -> StaffPublic:
    return staff_public(staff)


@router.get("/staff", response_model=list[StaffPublic], responses=ERRORS)
def list_staff(_admin: Admin, scope: StaffScope, session: SessionDep) -> list[StaffPublic]:
    """Accounts of the admin's region subtree (every account for a national admin)."""
    rows = session.execute(
        sa.select(StaffUser).where(scope.covers(StaffUser.region_code)).order_by(StaffUser.id)
    ).scalars()
    return [staff_public(s) for s in rows]


@router.post("/staff", response_model=StaffPublic, status_code=201, responses=ERRORS)
def create_staff(body: StaffCreate, admin: Admin, scope: StaffScope, ctx: CertContextDep) -> StaffPublic:
    """A regional admin creates accounts for regions inside their own subtree only."""
    with session_scope(ctx.sessions) as session:
        service.require_region_in_scope(session, body.region_code, scope)
        staff = service.create_staff(
            session,
            username=body.username,
            name=body.name,
            role=body.role,
            password=body.password,
            region_code=body.region_code,
            actor=f"staff:{admin.id}",
        )
        return staff_public(staff)


@router.post("/staff/{staff_id}/deactivate", status_code=204, response_class=Response, responses=ERRORS)
def deactivate_staff(staff_id: RowId, admin: Admin, scope: StaffScope, session: SessionDep) -> Response:
    """An admin deactivates an account of their region subtree: it cannot sign in, its tokens stop working."""
    staff = session.execute(
        sa.select(StaffUser).where(StaffUser.id == staff_id, scope.covers(StaffUser.region_code))
    ).scalar_one_or_none()
    if staff is None:
        raise ApiError(404, "not_found", "There is no such staff account in your region.")
    service.deactivate_staff(session, staff, actor=f"staff:{admin.id}")
    session.commit()
    return Response(status_code=204)
