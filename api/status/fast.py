"""A lean path for ``POST /api/v1/status``, the busiest public endpoint.

A pure ASGI middleware answers the ordinary lookup (small JSON body, valid fields, valid ID number) without
FastAPI's routing, dependency resolution and worker-thread hop, which cost more CPU than the lookup itself.
It applies the same rules in the same order as :mod:`api.status.router` and builds its answers with the
same functions (same 200 body, same 404 for an unknown ID and a wrong name, same 429), so the contract does
not change. Anything else — other paths, chunked or large bodies, other content types, a body or ID number
that does not validate, a database error — is handed on untouched (the body replayed) to the regular
route, which answers with its usual messages; nothing is charged twice to the rate limit in those cases,
except a database error, which the route then answers with its 503.

The lookup runs on the event loop for SQLite (a read in WAL mode never waits for a writer, ≈ 0.25 ms) and
in a worker thread for PostgreSQL (network round trips must not stall the loop), there in autocommit mode
(no BEGIN/ROLLBACK round trips) and on the hot standby when one is configured (api/core/replica.py).
"""

from __future__ import annotations

import json
from typing import Any

import anyio.to_thread
from pydantic import ValidationError
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import SQLAlchemyError
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.core.asgi import replay_body
from api.core.db import utcnow
from api.core.deps import client_ip
from api.core.errors import ApiError, error_response
from api.core.limiter import Budget, RateLimiter
from api.status.router import NOT_FOUND_MESSAGE
from api.status.service import lookup_status
from shared.idnumber import IdNumberError, parse_id_number
from shared.schemas import StatusRequest, StatusResponse

PATH = "/api/v1/status"
MAX_FAST_BODY = 4096  # a lookup body is ~80 bytes; larger ones take the regular route (and its limits)
_JSON_TYPES = (b"application/json", b"application/json; charset=utf-8", b"application/json;charset=utf-8")
DEFAULT_LOOKUP_THREADS = 10
_OK_HEADERS = [(b"content-type", b"application/json")]


class StatusFastPath:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self._not_found: tuple[int, list[tuple[bytes, bytes]], bytes] | None = None
        self._threads: anyio.CapacityLimiter | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] != PATH or scope["method"] != "POST":
            await self.app(scope, receive, send)
            return
        length = -1
        json_body = False
        for name, value in scope["headers"]:
            if name == b"content-length":
                length = int(value) if value.isdigit() else -1
            elif name == b"content-type":
                json_body = value.lower() in _JSON_TYPES
        if not json_body or not 0 < length <= MAX_FAST_BODY:
            await self.app(scope, receive, send)
            return
        chunks: list[bytes] = []
        seen = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                return  # the client went away
            chunk = message.get("body", b"")
            chunks.append(chunk)
            seen += len(chunk)
            if seen > length or not message.get("more_body", False):
                break
        body = b"".join(chunks)
        if seen == length and await self._answer(scope, body, send):
            return
        await self.app(scope, replay_body(body, receive), send)

    async def _answer(self, scope: Scope, body: bytes, send: Send) -> bool:
        """Answer the lookup; False hands it on to the regular route (nothing sent yet)."""
        try:
            data = json.loads(body)
            if not isinstance(data, dict):
                return False
            req = StatusRequest.model_validate(data)
            info = parse_id_number(req.id_number)
        except (ValueError, ValidationError, IdNumberError, RecursionError):
            return False
        request = Request(scope)
        state = request.app.state
        limiter: RateLimiter = state.limiter
        try:
            await limiter.charge_async(Budget.PERSON_LOOKUP, await client_ip(request))
            await limiter.charge_async(Budget.PERSON_LOOKUP_PER_PERSON, limiter.person_key(info.number))
        except ApiError as exc:  # 429 over a budget, 503 when the limiter's storage is down
            resp = error_response(
                exc.status_code,
                exc.code,
                exc.message,
                headers=exc.headers,
                retry_after_seconds=exc.retry_after_seconds,
            )
            await resp(scope, _no_body, send)
            return True
        try:
            if state.engine.dialect.name == "sqlite":
                result = _lookup(info.number, req.name, state)
            else:
                result = await anyio.to_thread.run_sync(
                    _lookup, info.number, req.name, state, limiter=self._limiter(state.engine)
                )
        except SQLAlchemyError:
            return False  # the route runs it again and answers the error its usual way (e.g. 503)
        if result is None:
            status, headers, payload = self._not_found_response()
        else:
            status, headers, payload = 200, _OK_HEADERS, result.model_dump_json().encode()
        await send(
            {
                "type": "http.response.start",
                "status": status,
                "headers": [*headers, (b"content-length", str(len(payload)).encode())],
            }
        )
        await send({"type": "http.response.body", "body": payload})
        return True

    def _limiter(self, engine: Engine) -> anyio.CapacityLimiter:
        """At most as many lookups at once as the pool keeps connections: more would open and close
        overflow connections (a new PostgreSQL backend process each) on every burst."""
        if self._threads is None:
            size = getattr(engine.pool, "size", None)
            self._threads = anyio.CapacityLimiter(size() if callable(size) else DEFAULT_LOOKUP_THREADS)
        return self._threads

    def _not_found_response(self) -> tuple[int, list[tuple[bytes, bytes]], bytes]:
        if self._not_found is None:
            resp = error_response(404, "not_found", NOT_FOUND_MESSAGE)
            headers = [(k, v) for k, v in resp.raw_headers if k != b"content-length"]
            self._not_found = (404, headers, bytes(resp.body))
        return self._not_found


def _lookup(id_number: str, name: str, state: Any) -> StatusResponse | None:
    """The lookup on the standby when there is one, else the primary (``state.reads``). On PostgreSQL in
    autocommit mode: a read-only lookup needs no BEGIN and ROLLBACK round trips (its two SELECTs may then
    see two snapshots; a certification landing between them is harmless)."""

    def read(conn: Connection) -> StatusResponse | None:
        if conn.dialect.name != "sqlite":
            conn.execution_options(isolation_level="AUTOCOMMIT")
        return lookup_status(
            conn,
            id_number=id_number,
            name=name,
            now_utc=utcnow(),
            policy=state.policy,
            region_path=state.region_paths.path,
        )

    return state.reads.run(read)


async def _no_body() -> Message:
    return {"type": "http.request", "body": b"", "more_body": False}


__all__ = ["StatusFastPath"]
