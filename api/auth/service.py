"""Accounts: creating staff and helper accounts (argon2 hashes) and signing in (expiring bearer tokens)."""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from api import audit
from api.auth import tokens
from api.auth.demo_accounts import is_demo_sign_in
from api.auth.models import HelperAccount, StaffUser
from api.auth.passwords import MIN_PASSWORD_LENGTH, burn_verification_time, hash_password, verify_password
from api.auth.tokens import PrincipalKind
from api.certification.people import normalised_id
from api.core.errors import ApiError
from api.regions.models import Region
from api.regions.scope import RegionScope
from shared.enums import StaffRole
from shared.schemas import TokenResponse

BAD_LOGIN = "The user name or password is not right."


def require_region_in_scope(session: Session, region_code: str | None, scope: RegionScope) -> None:
    """A regional admin may give new accounts only regions of their subtree: a region outside it answers
    like an unknown one (422 ``unknown_region``), and no region (national scope) is refused (403)."""
    if scope.national:
        return
    if region_code is None:
        raise ApiError(403, "forbidden", "Only national administrators create accounts without a region.")
    if not scope.includes_region(session, region_code):
        raise ApiError(
            422,
            "unknown_region",
            f"There is no region with code {region_code}.",
            params={"region_code": region_code or ""},
        )


def create_staff(
    session: Session,
    *,
    username: str,
    name: str,
    role: StaffRole,
    password: str,
    region_code: str | None,
    actor: str,
) -> StaffUser:
    """A new staff user (flushed); 409 when the user name is taken, 422 for an unknown region."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ApiError(
            422,
            "weak_password",
            f"A password needs at least {MIN_PASSWORD_LENGTH} characters.",
            params={"min_length": MIN_PASSWORD_LENGTH},
        )
    if region_code is not None and session.get(Region, region_code) is None:
        raise ApiError(
            422,
            "unknown_region",
            f"There is no region with code {region_code}.",
            params={"region_code": region_code or ""},
        )
    taken = session.execute(sa.select(StaffUser.id).where(StaffUser.username == username)).first()
    if taken is not None:
        raise ApiError(
            409,
            "username_taken",
            f"The user name {username} is already taken.",
            params={"username": username},
        )
    staff = StaffUser(
        username=username,
        name=name,
        role=StaffRole(role),
        password_hash=hash_password(password),
        region_code=region_code,
    )
    session.add(staff)
    try:
        session.flush()
    except IntegrityError:
        raise ApiError(
            409,
            "username_taken",
            f"The user name {username} is already taken.",
            params={"username": username},
        ) from None
    audit.record(
        session,
        actor=actor,
        action="staff.create",
        entity_type="staff_user",
        entity_id=staff.id,
        after={"username": username, "role": staff.role, "region_code": region_code},
    )
    return staff


def create_helper(session: Session, *, id_number: str, name: str, phone: str, password: str) -> HelperAccount:
    number = normalised_id(id_number)
    taken = session.execute(sa.select(HelperAccount.id).where(HelperAccount.id_number == number)).first()
    if taken is not None:
        raise ApiError(
            409, "account_exists", "An account with this ID number already exists; please sign in."
        )
    helper = HelperAccount(id_number=number, name=name, phone=phone, password_hash=hash_password(password))
    session.add(helper)
    try:
        session.flush()
    except IntegrityError:
        raise ApiError(409, "account_exists", "An account with this ID number already exists.") from None
    audit.record(
        session,
        actor=f"helper:{helper.id}",
        action="helper.register",
        entity_type="helper_account",
        entity_id=helper.id,
        after={"id_number_tail": number[-4:]},
    )
    return helper


def _token(
    kind: PrincipalKind, account_id: int, *, key: str, minutes: int, now: datetime, version: int = 0
) -> TokenResponse:
    principal = tokens.issue(kind, account_id, ttl=timedelta(minutes=minutes), now=now, version=version)
    return TokenResponse(access_token=tokens.encode(principal, key=key), expires_at=principal.expires_at)


def _signed_in(
    account: StaffUser | HelperAccount | None,
    password: str,
    kind: PrincipalKind,
    *,
    key: str,
    minutes: int,
    now: datetime,
) -> TokenResponse:
    """A token for an active account whose password matches; the same 401 (after the same work) for an
    unknown or inactive account and for a wrong password."""
    if account is None or not account.active:
        burn_verification_time(password)
        raise ApiError(401, "bad_credentials", BAD_LOGIN)
    if not verify_password(account.password_hash, password):
        raise ApiError(401, "bad_credentials", BAD_LOGIN)
    return _token(kind, account.id, key=key, minutes=minutes, now=now, version=account.token_version)


def login_staff(
    session: Session,
    username: str,
    password: str,
    *,
    key: str,
    minutes: int,
    now: datetime,
    production: bool = False,
) -> TokenResponse:
    """In production a demo account (``demo-…``) or the demo password never signs in (the same 401)."""
    if production and is_demo_sign_in(username, password):
        burn_verification_time(password)
        raise ApiError(401, "bad_credentials", BAD_LOGIN)
    staff = session.execute(sa.select(StaffUser).where(StaffUser.username == username)).scalar_one_or_none()
    return _signed_in(staff, password, PrincipalKind.STAFF, key=key, minutes=minutes, now=now)


def login_helper(
    session: Session, id_number: str, password: str, *, key: str, minutes: int, now: datetime
) -> TokenResponse:
    try:
        number = normalised_id(id_number)
    except ApiError:
        number = None
    helper = None
    if number is not None:
        helper = session.execute(
            sa.select(HelperAccount).where(HelperAccount.id_number == number)
        ).scalar_one_or_none()
    return _signed_in(helper, password, PrincipalKind.HELPER, key=key, minutes=minutes, now=now)


# --- sign-out, password change, deactivation: each one revokes every token issued before ---------------


def revoke_tokens(account: StaffUser | HelperAccount) -> None:
    """Every token of ``account`` issued so far stops working (the caller commits)."""
    account.token_version = (account.token_version or 0) + 1


def _actor(account: StaffUser | HelperAccount) -> str:
    return f"staff:{account.id}" if isinstance(account, StaffUser) else f"helper:{account.id}"


def _entity(account: StaffUser | HelperAccount) -> str:
    return "staff_user" if isinstance(account, StaffUser) else "helper_account"


def sign_out(session: Session, account: StaffUser | HelperAccount) -> None:
    revoke_tokens(account)
    audit.record(
        session,
        actor=_actor(account),
        action="auth.sign_out",
        entity_type=_entity(account),
        entity_id=account.id,
    )


def change_password(session: Session, account: StaffUser | HelperAccount, *, current: str, new: str) -> None:
    """A new password (the current one must match); every token issued before stops working."""
    if not verify_password(account.password_hash, current):
        raise ApiError(401, "bad_credentials", "The current password is not right.")
    if len(new) < MIN_PASSWORD_LENGTH:
        raise ApiError(422, "weak_password", f"A password needs at least {MIN_PASSWORD_LENGTH} characters.")
    account.password_hash = hash_password(new)
    revoke_tokens(account)
    audit.record(
        session,
        actor=_actor(account),
        action="auth.password_change",
        entity_type=_entity(account),
        entity_id=account.id,
    )


def deactivate_staff(session: Session, staff: StaffUser, *, actor: str) -> None:
    """The account can no longer sign in, and its tokens stop working at once."""
    staff.active = False
    revoke_tokens(staff)
    audit.record(
        session,
        actor=actor,
        action="staff.deactivate",
        entity_type="staff_user",
        entity_id=staff.id,
        after={"username": staff.username, "active": False},
    )
