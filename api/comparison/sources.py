"""Data sources that send feeds over the API: register one (its kinds, its region subtree), give it one API
key shown once, rotate the key, revoke it, and find the source a presented key belongs to.

A key is ``lcf_`` + 43 characters of ``secrets.token_urlsafe(32)`` (256 random bits); only its SHA-256 is
stored (with a slow hash a random key that long gains nothing, and a hash lookup needs no scan).
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session

from api import audit
from api.comparison.models import FeedKind, FeedSource
from api.core.db import utcnow

KEY_PREFIX = "lcf_"
NAME = re.compile(r"^[a-z0-9][a-z0-9_.-]{1,63}$")


class SourceError(ValueError):
    """A source cannot be registered or changed as asked (message for the operator)."""


@dataclass(frozen=True, slots=True)
class IssuedKey:
    source: FeedSource
    key: str  # shown once; never stored


def key_digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def _new_key() -> str:
    return KEY_PREFIX + secrets.token_urlsafe(32)


def _snapshot(source: FeedSource) -> dict[str, object]:
    return {
        "name": source.name,
        "kinds": list(source.kinds),
        "region_code": source.region_code,
        "active": source.active,
        "key_hint": source.key_hint,
    }


def _issue(source: FeedSource) -> str:
    key = _new_key()
    source.key_sha256 = key_digest(key)
    source.key_hint = key[: len(KEY_PREFIX) + 4]
    source.key_set_at = utcnow()
    return key


def by_name(session: Session, name: str) -> FeedSource:
    source = session.execute(sa.select(FeedSource).where(FeedSource.name == name)).scalar_one_or_none()
    if source is None:
        raise SourceError(f"no data source named {name!r}")
    return source


def add_source(
    session: Session, *, name: str, kinds: list[str], region_code: str | None, actor: str
) -> IssuedKey:
    if not NAME.fullmatch(name):
        raise SourceError("a source name is 2–64 lower-case letters, digits, '.', '_' or '-'")
    try:
        allowed = sorted({FeedKind(k).value for k in kinds})
    except ValueError:
        raise SourceError(f"feed kinds are {', '.join(k.value for k in FeedKind)}") from None
    if not allowed:
        raise SourceError("name at least one feed kind the source may send")
    if (
        region_code is not None
        and session.execute(
            sa.text("SELECT 1 FROM regions WHERE code = :code"), {"code": region_code}
        ).first()
        is None
    ):
        raise SourceError(f"no region {region_code}")
    if session.execute(sa.select(FeedSource.id).where(FeedSource.name == name)).first() is not None:
        raise SourceError(f"a data source named {name!r} exists already")
    source = FeedSource(name=name, kinds=allowed, region_code=region_code, active=True)
    key = _issue(source)
    session.add(source)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="feed_source.add",
        entity_type="feed_source",
        entity_id=source.id,
        after=_snapshot(source),
    )
    return IssuedKey(source, key)


def rotate_key(session: Session, name: str, *, actor: str) -> IssuedKey:
    """A new key; the old one stops working at once. Re-activates a revoked source."""
    source = by_name(session, name)
    before = _snapshot(source)
    key = _issue(source)
    source.active = True
    audit.record(
        session,
        actor=actor,
        action="feed_source.rotate",
        entity_type="feed_source",
        entity_id=source.id,
        before=before,
        after=_snapshot(source),
    )
    return IssuedKey(source, key)


def revoke_key(session: Session, name: str, *, actor: str, reason: str | None = None) -> FeedSource:
    source = by_name(session, name)
    before = _snapshot(source)
    source.active = False
    source.key_sha256 = None
    audit.record(
        session,
        actor=actor,
        action="feed_source.revoke",
        entity_type="feed_source",
        entity_id=source.id,
        before=before,
        after=_snapshot(source),
        reason=reason,
    )
    return source


def list_sources(session: Session) -> list[FeedSource]:
    return list(session.execute(sa.select(FeedSource).order_by(FeedSource.name)).scalars())


def source_for_key(session: Session, key: str) -> FeedSource | None:
    """The active source this key belongs to (None: unknown, rotated away or revoked)."""
    if not key.startswith(KEY_PREFIX) or len(key) > 128:
        return None
    return session.execute(
        sa.select(FeedSource).where(FeedSource.key_sha256 == key_digest(key), FeedSource.active.is_(True))
    ).scalar_one_or_none()


def actor_of(source: FeedSource) -> str:
    return f"feed_source:{source.name}"
