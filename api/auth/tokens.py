"""Expiring bearer tokens for helper and staff accounts (signed with the configured secret key).

A token carries its account's ``token_version`` when it was issued; sign-out, a password change and
deactivation raise the account's version, so every token issued before stops working at once
(``api.auth.deps`` compares the two on each request). A token of the old three-part form counts as
version 0."""

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
    version: int = 0  # the account's token_version at issue


def issue(
    kind: PrincipalKind, account_id: int, *, ttl: timedelta, now: datetime, version: int = 0
) -> Principal:
    return Principal(kind, account_id, (now + ttl).replace(microsecond=0), version)


def encode(principal: Principal, *, key: str) -> str:
    expires = int(principal.expires_at.timestamp())
    payload = f"{principal.kind.value}:{principal.account_id}:{expires}:{principal.version}"
    return sign(payload.encode("ascii"), key=key, purpose=PURPOSE)


def decode(token: str, *, key: str, now: datetime) -> Principal:
    """The principal a valid, unexpired token names; BadSignature otherwise."""
    payload = unsign(token, key=key, purpose=PURPOSE)
    try:
        kind, account_id, expires, *rest = payload.decode("ascii").split(":")
        if len(rest) > 1:
            raise ValueError("too many parts")
        version = int(rest[0]) if rest else 0
        principal = Principal(
            PrincipalKind(kind), int(account_id), datetime.fromtimestamp(int(expires), UTC), version
        )
    except ValueError as exc:
        raise BadSignature("token payload is malformed") from exc
    if principal.expires_at <= now:
        raise BadSignature("token has expired")
    return principal
