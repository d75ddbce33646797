"""Checks at the edge for what FastAPI's types cannot see: control characters in the path and the query
string of every request (one ASGI middleware), and the parameter types routers use for row ids and dates.

Request bodies are checked by their models (``shared.wire.Request``: text, integers, dates) and form
fields by ``SafeText`` / ``SaneDate``; the middleware covers path segments and query values of every
route, so a NUL byte never reaches a query (PostgreSQL refuses it: the request would end in a 500).
"""

from __future__ import annotations

from typing import Annotated
from urllib.parse import parse_qsl

from fastapi import Path, Query
from starlette.types import ASGIApp, Receive, Scope, Send

from api.core.errors import error_response
from shared.schemas import ErrorDetail
from shared.wire import CONTROL_CHARACTERS, INT64_MAX, SaneDate, has_control_characters

# A database row id in a path: 1 … 2^63-1 (anything else is a 422, never an overflow in the driver).
RowId = Annotated[int, Path(ge=1, le=INT64_MAX, description="a record id")]
# An offset into a list.
Offset = Annotated[int, Query(ge=0, le=INT64_MAX)]
# An optional date in a query string, 1900-01-01 … 2200-12-31.
QueryDate = SaneDate | None

MESSAGE = "This must not contain control characters."


def _bad_part(scope: Scope) -> str | None:
    """The name of the first part of the request's address holding a control character, else None."""
    if has_control_characters(scope.get("path", "")):
        return "path"
    raw = scope.get("query_string", b"")
    if raw:
        for name, value in parse_qsl(raw.decode("latin-1"), keep_blank_values=True):
            if has_control_characters(name):
                return "query"
            if has_control_characters(value):
                return f"query.{name}"
    return None


class ControlCharacters:
    """Answer 422 (``validation_error``, detail code ``control_characters``) when the path or a query
    parameter holds a control character (NUL, ESC …) or a lone surrogate."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            part = _bad_part(scope)
            if part is not None:
                detail = ErrorDetail(field=part, code=CONTROL_CHARACTERS, message=MESSAGE)
                response = error_response(422, "validation_error", f"{part}: {MESSAGE}", details=[detail])
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)
