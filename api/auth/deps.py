"""Who is calling: bearer tokens for helpers and staff, and ``require_role`` for staff endpoints.

``CurrentStaff`` / ``CurrentHelper`` answer 401 without a valid token; ``require_role(...)`` answers 403
to a staff member whose role is not listed (and to helpers). ``OptionalPrincipal`` is for endpoints the
public may call too (a challenge submission carries the helper's or staff member's token when they run it).
``StaffScope`` is the signed-in staff member's region scope (:mod:`api.regions.scope`): every staff
endpoint that touches people takes it and puts ``scope.people()`` into its queries.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, TypeVar

from fastapi import Depends, Request

from api.auth import tokens
from api.auth.models import HelperAccount, StaffUser
from api.auth.signing import BadSignature
from api.auth.tokens import Principal, PrincipalKind
from api.core.db import utcnow
from api.core.deps import SessionDep, SettingsDep
from api.core.errors import ApiError
from api.regions.scope import RegionScope
from shared.enums import StaffRole

_CHALLENGE = {"WWW-Authenticate": "Bearer"}
A = TypeVar("A", StaffUser, HelperAccount)


def _bearer(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "bearer" or not value.strip():
        return None
    return value.strip()


def optional_principal(request: Request, settings: SettingsDep) -> Principal | None:
    token = _bearer(request)
    if token is None:
        return None
    try:
        return tokens.decode(token, key=settings.secret_key, now=utcnow())
    except BadSignature:
        raise ApiError(
            401, "invalid_token", "Your sign-in has expired; please sign in again.", headers=_CHALLENGE
        ) from None


OptionalPrincipal = Annotated[Principal | None, Depends(optional_principal)]


def current_principal(principal: OptionalPrincipal) -> Principal:
    if principal is None:
        raise ApiError(401, "unauthorized", "Please sign in.", headers=_CHALLENGE)
    return principal


CurrentPrincipal = Annotated[Principal, Depends(current_principal)]


def _active_account(
    principal: Principal, session: SessionDep, model: type[A], *, kind: PrincipalKind, for_whom: str
) -> A:
    """The principal's account of ``model``: 403 for another kind of principal, 401 when inactive."""
    if principal.kind is not kind:
        raise ApiError(403, "forbidden", f"This is for {for_whom} only.")
    account = session.get(model, principal.account_id)
    if account is None or not account.active:
        raise ApiError(401, "unauthorized", f"This {kind.value} account is not active; please sign in again.")
    if account.token_version != principal.version:
        raise ApiError(
            401, "token_revoked", "You have been signed out; please sign in again.", headers=_CHALLENGE
        )
    return account


def current_account(principal: CurrentPrincipal, session: SessionDep) -> StaffUser | HelperAccount:
    """The signed-in account of either kind (sign-out, password change)."""
    if principal.kind is PrincipalKind.STAFF:
        return _active_account(principal, session, StaffUser, kind=principal.kind, for_whom="staff")
    return _active_account(principal, session, HelperAccount, kind=principal.kind, for_whom="helpers")


CurrentAccount = Annotated[StaffUser | HelperAccount, Depends(current_account)]


def current_staff(principal: CurrentPrincipal, session: SessionDep) -> StaffUser:
    return _active_account(principal, session, StaffUser, kind=PrincipalKind.STAFF, for_whom="agency staff")


CurrentStaff = Annotated[StaffUser, Depends(current_staff)]


def staff_scope(staff: CurrentStaff) -> RegionScope:
    """The region subtree the signed-in staff member acts on (NULL region: the whole country)."""
    return RegionScope.of(staff)


StaffScope = Annotated[RegionScope, Depends(staff_scope)]


def optional_staff(request: Request, settings: SettingsDep, session: SessionDep) -> StaffUser | None:
    """For public endpoints staff may also call: the active staff account behind a valid staff token, else
    None (no token, a helper's token, or one that no longer verifies — the public path, as before)."""
    token = _bearer(request)
    if token is None:
        return None
    try:
        principal = tokens.decode(token, key=settings.secret_key, now=utcnow())
    except BadSignature:
        return None
    if principal.kind is not PrincipalKind.STAFF:
        return None
    staff = session.get(StaffUser, principal.account_id)
    usable = staff is not None and staff.active and staff.token_version == principal.version
    return staff if usable else None


OptionalStaff = Annotated[StaffUser | None, Depends(optional_staff)]


def current_helper(principal: CurrentPrincipal, session: SessionDep) -> HelperAccount:
    return _active_account(
        principal, session, HelperAccount, kind=PrincipalKind.HELPER, for_whom="family helper accounts"
    )


CurrentHelper = Annotated[HelperAccount, Depends(current_helper)]


def require_role(*roles: StaffRole) -> Callable[[StaffUser], StaffUser]:
    """A dependency admitting only staff with one of ``roles`` (list admin explicitly where it applies)."""
    allowed = frozenset(roles)

    def check(staff: CurrentStaff) -> StaffUser:
        if staff.role not in allowed:
            names = ", ".join(sorted(r.value for r in allowed))
            raise ApiError(403, "forbidden", f"Your role may not do this (needs: {names}).")
        return staff

    check.allowed_roles = allowed  # type: ignore[attr-defined]  # read by the route × role test
    return check


Coordinator = Annotated[StaffUser, Depends(require_role(StaffRole.COORDINATOR, StaffRole.ADMIN))]
Reviewer = Annotated[StaffUser, Depends(require_role(StaffRole.REVIEWER, StaffRole.ADMIN))]
Admin = Annotated[StaffUser, Depends(require_role(StaffRole.ADMIN))]
FieldStaff = Annotated[
    StaffUser, Depends(require_role(StaffRole.COORDINATOR, StaffRole.REVIEWER, StaffRole.ADMIN))
]
