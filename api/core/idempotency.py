"""Idempotent POSTs: a request that carries an ``Idempotency-Key`` is processed at most once.

The apps send a fresh key with every POST that creates something (an account, a challenge, a document
upload, a visit request …) and the same key on each retry of that request, so a retry after a lost answer
— a read timeout on a slow line — gets the first answer instead of creating the thing twice.

Per (key, method, path, caller) the middleware keeps one row:

* no row → a *pending* row is inserted (the claim) and the request runs; a 2xx answer is stored with the
  row, any other answer deletes the row so that a retry runs again;
* a *done* row → its stored answer is replayed (header ``Idempotent-Replayed: true``), nothing runs;
* a row whose request body differs (the key was reused for something else) → 422 ``idempotency_key_reused``;
* a *pending* row younger than the lease → 409 ``request_in_progress`` with ``Retry-After``; an older one
  (its process died) is taken over.

The caller is the ``Authorization`` header's hash: another account's request with the same key never sees
this answer. The frames endpoint keeps its own claim (``api/challenges/submission.py``): it is exempt here.
"""

from __future__ import annotations

import hashlib
import re
from datetime import datetime, timedelta
from typing import Any, cast

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, Session, mapped_column, sessionmaker
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.core.asgi import replay_body
from api.core.db import Base, utcnow
from api.core.errors import error_response

HEADER = b"idempotency-key"
KEY_RE = re.compile(r"^[A-Za-z0-9_\-:.]{8,128}$")
INVALID_KEY = "The Idempotency-Key must be 8 to 128 letters, digits, or - _ : ."
# Paths that hold their own claim on the key (the face decision's idempotent submission).
EXEMPT = re.compile(r"^/api/v1/challenges/[^/]+/frames$")
MAX_STORED_BYTES = 256 * 1024  # answers larger than this are not stored (none of ours is)


class IdempotentRequest(Base):
    __tablename__ = "idempotent_requests"

    key: Mapped[str] = mapped_column(sa.String(128), primary_key=True)
    scope: Mapped[str] = mapped_column(sa.String(64), primary_key=True)  # sha256 of method, path, caller
    body_hash: Mapped[str] = mapped_column(sa.String(64))  # sha256 of the request body
    claimed_at: Mapped[datetime] = mapped_column(default=utcnow)
    status_code: Mapped[int | None]
    content_type: Mapped[str | None] = mapped_column(sa.String(100))
    body: Mapped[bytes | None] = mapped_column(sa.LargeBinary)
    completed_at: Mapped[datetime | None]


def _scope_hash(method: str, path: str, authorization: bytes) -> str:
    caller = hashlib.sha256(authorization).hexdigest()
    return hashlib.sha256(f"{method} {path} {caller}".encode()).hexdigest()


class _Claim:
    """Database side of one keyed request (runs in a worker thread)."""

    def __init__(
        self, sessions: sessionmaker[Session], key: str, scope: str, body_hash: str, lease: timedelta
    ) -> None:
        self.sessions, self.key, self.scope = sessions, key, scope
        self.body_hash, self.lease = body_hash, lease
        self.claimed_at = utcnow()

    def _row(self) -> IdempotentRequest:
        return IdempotentRequest(
            key=self.key, scope=self.scope, body_hash=self.body_hash, claimed_at=self.claimed_at
        )

    def take(self) -> IdempotentRequest | None:
        """None when this request now holds the claim; else the row that stands in its way."""
        with self.sessions() as session:
            session.add(self._row())
            try:
                session.commit()
                return None
            except IntegrityError:
                session.rollback()
            row = session.get(IdempotentRequest, (self.key, self.scope))
            if row is None:  # deleted between our insert and this read: try once more
                session.add(self._row())
                try:
                    session.commit()
                    return None
                except IntegrityError:
                    session.rollback()
                    return session.get(IdempotentRequest, (self.key, self.scope))
            if row.body_hash != self.body_hash:
                session.expunge(row)
                return row
            if row.completed_at is None and row.claimed_at < self.claimed_at - self.lease:
                taken = session.execute(
                    sa.update(IdempotentRequest)
                    .where(
                        IdempotentRequest.key == self.key,
                        IdempotentRequest.scope == self.scope,
                        IdempotentRequest.claimed_at == row.claimed_at,
                        IdempotentRequest.completed_at.is_(None),
                    )
                    .values(claimed_at=self.claimed_at)
                )
                session.commit()
                if cast("sa.CursorResult[Any]", taken).rowcount == 1:  # an UPDATE's result (typed as Result)
                    return None
                return session.get(IdempotentRequest, (self.key, self.scope))
            session.expunge(row)
            return row

    def finish(self, status: int, content_type: str | None, body: bytes | None) -> None:
        """Store a 2xx answer; forget the claim otherwise (a retry runs again)."""
        mine = (
            (IdempotentRequest.key == self.key)
            & (IdempotentRequest.scope == self.scope)
            & (IdempotentRequest.claimed_at == self.claimed_at)
        )
        with self.sessions() as session:
            if 200 <= status < 300 and body is not None:
                session.execute(
                    sa.update(IdempotentRequest)
                    .where(mine)
                    .values(status_code=status, content_type=content_type, body=body, completed_at=utcnow())
                )
            else:
                session.execute(sa.delete(IdempotentRequest).where(mine))
            session.commit()


async def _read_body(receive: Receive) -> tuple[bytes, bool]:
    """The whole request body, and whether the client went away meanwhile."""
    chunks: list[bytes] = []
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            return b"", True
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            return b"".join(chunks), False


class IdempotentPosts:
    """Pure ASGI middleware; ``lease_seconds``: how long a pending claim blocks a retry."""

    def __init__(self, app: ASGIApp, lease_seconds: float = 300.0) -> None:
        self.app = app
        self.lease = timedelta(seconds=lease_seconds)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "POST" or EXEMPT.match(scope["path"]):
            await self.app(scope, receive, send)
            return
        headers = dict(scope["headers"])
        raw_key = headers.get(HEADER)
        if raw_key is None:
            await self.app(scope, receive, send)
            return
        key = raw_key.decode("latin-1")
        if not KEY_RE.match(key):
            refusal = error_response(
                400,
                "invalid_idempotency_key",
                "The Idempotency-Key must be 8 to 128 letters, digits, or - _ : .",
            )
            await refusal(scope, receive, send)
            return
        # The body is read first (BodySizeLimit, outside, bounds it): its hash tells a retry from a reuse.
        body, disconnected = await _read_body(receive)
        if disconnected:
            return
        body_hash = hashlib.sha256(body).hexdigest()
        sessions: sessionmaker[Session] = scope["app"].state.sessionmaker
        caller = _scope_hash("POST", scope["path"], headers.get(b"authorization", b""))
        claim = _Claim(sessions, key, caller, body_hash, self.lease)
        standing = await run_in_threadpool(claim.take)
        if standing is not None:
            await self._answer_for(standing, body_hash)(scope, receive, send)
            return

        status = 500  # what is recorded when the application fails before it answers
        content_type = ""
        chunks: list[bytes] = []
        size = 0

        async def capture(message: Message) -> None:
            nonlocal status, content_type, size
            if message["type"] == "http.response.start":
                status = message["status"]
                content_type = dict(message.get("headers", [])).get(b"content-type", b"").decode()
            elif message["type"] == "http.response.body":
                size += len(message.get("body", b""))
                if size <= MAX_STORED_BYTES:
                    chunks.append(message.get("body", b""))
            await send(message)

        try:
            await self.app(scope, replay_body(body, receive), capture)
        finally:
            answer = b"".join(chunks) if size <= MAX_STORED_BYTES else None
            await run_in_threadpool(claim.finish, status, content_type, answer)

    def _answer_for(self, row: IdempotentRequest, body_hash: str) -> Response:
        """The answer to a request whose key already has a row: refused, still running, or replayed."""
        if row.body_hash != body_hash:
            return error_response(
                422, "idempotency_key_reused", "This Idempotency-Key was already used for another request."
            )
        if row.completed_at is None:
            wait = max(1, int(self.lease.total_seconds() - (utcnow() - row.claimed_at).total_seconds()))
            retry = min(wait, 5)
            return error_response(
                409,
                "request_in_progress",
                "This request is still being processed: try again shortly.",
                headers={"Retry-After": str(retry)},
                retry_after_seconds=retry,
            )
        return Response(
            row.body or b"",
            status_code=row.status_code or 200,
            media_type=row.content_type or "application/json",
            headers={"Idempotent-Replayed": "true"},
        )
