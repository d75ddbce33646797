"""Expiring bearer tokens for helper and staff accounts (signed with the configured secret key)."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from api.auth.signing import BadSignature, sign, unsign

PURPOSE = "bearer/v1"


class PrincipalKind(enum.StrEnum):
    HELPER = "helper"
    STAFF = "staff"


@dataclass(frozen=True, slots=True)
class Principal:
    kind: PrincipalKind
    account_id: int
    expires_at: datetime


def issue(kind: PrincipalKind, account_id: int, *, ttl: timedelta, now: datetime) -> Principal:
    return Principal(kind, account_id, (now + ttl).replace(microsecond=0))


def encode(principal: Principal, *, key: str) -> str:
    payload = f"{principal.kind.value}:{principal.account_id}:{int(principal.expires_at.timestamp())}"
    return sign(payload.encode("ascii"), key=key, purpose=PURPOSE)


def decode(token: str, *, key: str, now: datetime) -> Principal:
    """The principal a valid, unexpired token names; BadSignature otherwise."""
    payload = unsign(token, key=key, purpose=PURPOSE)
    try:
        kind, account_id, expires = payload.decode("ascii").split(":")
        principal = Principal(PrincipalKind(kind), int(account_id), datetime.fromtimestamp(int(expires), UTC))
    except ValueError as exc:
        raise BadSignature("token payload is malformed") from exc
    if principal.expires_at <= now:
        raise BadSignature("token has expired")
    return principal
