"""One JSON error shape for every 4xx (and the rare 5xx): shared.schemas.ErrorResponse.

Routers raise :class:`ApiError` (status, stable code, ``params``, an English fallback message); FastAPI's
validation errors, malformed JSON and Starlette's HTTP errors are converted by the handlers installed in
:func:`install`. Clients render ``error.<code>`` (and ``validation.<code>`` per field of a
``validation_error``) from the catalogs in ``shared/i18n`` with the params; the message is for other clients.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy import exc as sa_exc
from starlette.exceptions import HTTPException as StarletteHTTPException

from api.core.storage import StorageUnavailable
from shared.schemas import ErrorDetail, ErrorResponse

log = logging.getLogger("lifecert.api")

_STATUS_CODES = {
    400: ("bad_request", "The request could not be understood."),
    401: ("unauthorized", "Please sign in."),
    403: ("forbidden", "You are not allowed to do this."),
    404: ("not_found", "Nothing was found at this address."),
    405: ("method_not_allowed", "This method is not allowed here."),
    409: ("conflict", "This conflicts with the current state; reload and try again."),
    413: ("payload_too_large", "The upload is too large."),
    415: ("unsupported_media_type", "This kind of content is not accepted here."),
    422: ("validation_error", "Some of the information sent is not valid."),
    429: ("rate_limited", "Too many requests; please wait a moment and try again."),
}


Params = dict[str, str | int | float]


class ApiError(Exception):
    """An expected failure with a stable ``code``, its ``params`` and an English fallback ``message``."""

    def __init__(
        self,
        status_code: int,
        code: str,
        message: str,
        *,
        params: Params | None = None,
        details: list[ErrorDetail] | None = None,
        headers: dict[str, str] | None = None,
        retry_after_seconds: int | None = None,
    ) -> None:
        super().__init__(message)
        self.status_code = status_code
        self.code = code
        self.message = message
        self.params = dict(params or {})
        if retry_after_seconds is not None:
            self.params.setdefault("seconds", retry_after_seconds)
        self.details = details or []
        self.headers = headers
        self.retry_after_seconds = retry_after_seconds


def error_response(
    status_code: int,
    code: str,
    message: str,
    *,
    params: Params | None = None,
    details: list[ErrorDetail] | None = None,
    headers: dict[str, str] | None = None,
    retry_after_seconds: int | None = None,
) -> JSONResponse:
    if retry_after_seconds is not None:
        params = {"seconds": retry_after_seconds, **(params or {})}
    body = ErrorResponse(
        error=code,
        message=message,
        params=params or {},
        details=details or [],
        retry_after_seconds=retry_after_seconds,
    )
    return JSONResponse(body.model_dump(mode="json"), status_code=status_code, headers=headers)


_FRIENDLY = {
    "missing": "This field is required.",
    "string_type": "This must be text.",
    "string_too_short": "This must not be empty.",
    "string_too_long": "This is too long.",
    "json_invalid": "The request body is not valid JSON.",
    "model_attributes_type": "The request body must be a JSON object.",
    "dict_type": "The request body must be a JSON object.",
    "model_type": "The request body must be a JSON object.",
    "extra_forbidden": "This field is not expected.",
    "int_parsing": "This must be a whole number.",
    "date_from_datetime_parsing": "This must be a date (YYYY-MM-DD).",
    "date_parsing": "This must be a date (YYYY-MM-DD).",
    "control_characters": "This must not contain control characters.",
    "integer_out_of_range": "This number is too large.",
    "date_out_of_range": "This date must be between 1900-01-01 and 2200-12-31.",
}


def _field_path(loc: tuple[Any, ...] | list[Any]) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "header")]
    return ".".join(parts) if parts else "body"


def _params(ctx: dict[str, Any]) -> Params:
    """The numbers and short values of pydantic's error context (limits, patterns): no sentences."""
    out: Params = {}
    for key, value in ctx.items():
        if isinstance(value, bool):
            out[key] = str(value).lower()
        elif isinstance(value, int | float) or isinstance(value, str) and len(value) <= 80:
            out[key] = value
    return out


def validation_details(errors: list[dict[str, Any]]) -> list[ErrorDetail]:
    """One detail per problem: the field, pydantic's stable error type as ``code`` and its limits as
    ``params`` (the apps render ``validation.<code>``); the English message is the fallback."""
    details: list[ErrorDetail] = []
    for err in errors:
        code = str(err.get("type", "invalid"))
        message = _FRIENDLY.get(code) or str(err.get("msg", "Not valid."))
        ctx = err.get("ctx") or {}
        if code == "string_too_long" and "max_length" in ctx:
            message = f"This is too long (at most {ctx['max_length']} characters)."
        if code == "string_too_short" and ctx.get("min_length", 1) > 1:
            message = f"This is too short (at least {ctx['min_length']} characters)."
        field = "body" if code == "json_invalid" else _field_path(err.get("loc", ()))
        details.append(ErrorDetail(field=field, code=code, message=message, params=_params(ctx)))
    return details


def _summary(details: list[ErrorDetail]) -> str:
    if not details:
        return _STATUS_CODES[422][1]
    first = details[0]
    if first.field == "body":
        return first.message
    more = f" (and {len(details) - 1} more)" if len(details) > 1 else ""
    return f"{first.field}: {first.message}{more}"


async def _on_api_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ApiError)
    return error_response(
        exc.status_code,
        exc.code,
        exc.message,
        params=exc.params,
        details=exc.details,
        headers=exc.headers,
        retry_after_seconds=exc.retry_after_seconds,
    )


async def _on_validation_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    details = validation_details(list(exc.errors()))
    fields = ",".join(dict.fromkeys(d.field for d in details))
    return error_response(
        422, "validation_error", _summary(details), params={"fields": fields}, details=details
    )


async def _on_http_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    code, default_message = _STATUS_CODES.get(exc.status_code, ("error", "The request failed."))
    message = exc.detail if isinstance(exc.detail, str) and exc.detail else default_message
    if exc.status_code == 404 and message == "Not Found":
        message = default_message
    if exc.status_code == 405 and message == "Method Not Allowed":
        message = default_message
    return error_response(exc.status_code, code, message, headers=getattr(exc, "headers", None))


async def _on_database_error(_request: Request, exc: Exception) -> JSONResponse:
    log.warning("database error: %s", exc)
    return error_response(
        503,
        "database_unavailable",
        "The service cannot reach its database right now; please try again in a moment.",
        headers={"Retry-After": "5"},
        retry_after_seconds=5,
    )


async def _on_storage_error(_request: Request, exc: Exception) -> JSONResponse:
    log.warning("object storage error: %s", exc)
    return error_response(
        503,
        "storage_unavailable",
        "The service cannot reach its file storage right now; please try again in a moment.",
        headers={"Retry-After": "10"},
        retry_after_seconds=10,
    )


async def _on_unexpected(_request: Request, exc: Exception) -> JSONResponse:
    log.exception("unhandled error", exc_info=exc)
    return error_response(500, "internal_error", "Something went wrong on our side; please try again later.")


def install(app: FastAPI) -> None:
    app.add_exception_handler(ApiError, _on_api_error)
    app.add_exception_handler(RequestValidationError, _on_validation_error)
    app.add_exception_handler(StarletteHTTPException, _on_http_error)
    app.add_exception_handler(sa_exc.OperationalError, _on_database_error)
    app.add_exception_handler(sa_exc.InterfaceError, _on_database_error)
    app.add_exception_handler(StorageUnavailable, _on_storage_error)
    app.add_exception_handler(Exception, _on_unexpected)
