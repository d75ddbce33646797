"""The feed API for data sources: ``POST /api/v1/feeds/{kind}/batches`` (JSON rows or CSV, idempotent by the
source's ``batch_id``) and ``GET /api/v1/feeds/batches/{batch_id}`` (the stored report). A source signs in
with its API key (``X-Feed-Key`` or ``Authorization: Bearer``); no staff account is involved, and the source's
region subtree limits the people its rows may be about (see api/comparison/batches.py)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import JSONResponse
from pydantic import ValidationError
from sqlalchemy.exc import IntegrityError

from api.comparison.batches import (
    BatchConflict,
    ParsedBatch,
    find_batch,
    from_csv_bytes,
    from_json_rows,
    replay,
    submit_batch,
)
from api.comparison.feed import FeedContext
from api.comparison.models import FeedKind, FeedSource
from api.comparison.rows import FeedFileError
from api.comparison.sources import actor_of, source_for_key
from api.core.deps import ClientIp, PolicyDep, RegionPathsDep, SessionDep, SettingsDep, agency_today
from api.core.errors import ApiError
from api.core.limiter import Budget, RateLimiter
from shared.feed_schemas import BATCH_ID_PATTERN, FeedBatchIn, FeedBatchReport
from shared.schemas import ErrorDetail, ErrorResponse

router = APIRouter(prefix="/api/v1/feeds", tags=["data sources"])
ERRORS: dict[int | str, dict[str, object]] = {
    code: {"model": ErrorResponse} for code in (401, 403, 404, 409, 413, 422, 429)
}
BatchId = Annotated[str, Path(pattern=BATCH_ID_PATTERN, max_length=128)]


def _presented_key(request: Request) -> str:
    key = request.headers.get("x-feed-key", "").strip()
    if not key:
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() == "bearer":
            key = token.strip()
    return key


def feed_source(request: Request, session: SessionDep, ip: ClientIp) -> FeedSource:
    """The active source whose key was presented (401 ``feed_key_invalid`` otherwise); failed keys count
    against the client's failed-sign-in budget, batches against the source's ``feed_batch`` budget."""
    limiter: RateLimiter = request.app.state.limiter
    limiter.require_room(Budget.LOGIN_PER_CLIENT, ip)
    source = source_for_key(session, _presented_key(request))
    if source is None:
        limiter.hit(Budget.LOGIN_PER_CLIENT, ip)
        raise ApiError(
            401,
            "feed_key_invalid",
            "Unknown, replaced or revoked feed key.",
            headers={"WWW-Authenticate": "Bearer"},
        )
    return source


Source = Annotated[FeedSource, Depends(feed_source)]


async def feed_body(request: Request, settings: SettingsDep) -> bytes:
    """The request body, at most ``max_feed_batch_bytes`` (413 ``payload_too_large`` beyond)."""
    limit = settings.max_feed_batch_bytes
    chunks: list[bytes] = []
    seen = 0
    async for chunk in request.stream():
        seen += len(chunk)
        if seen > limit:
            raise ApiError(
                413,
                "payload_too_large",
                f"A feed batch is at most {limit // 1024} KB; split it into several batches.",
                params={"max_kb": limit // 1024},
            )
        chunks.append(chunk)
    return b"".join(chunks)


def _parse(
    kind: FeedKind, request: Request, body: bytes, query_batch_id: str | None
) -> tuple[str, ParsedBatch]:
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type in ("text/csv", "application/csv"):
        if query_batch_id is None:
            raise ApiError(
                422, "feed_batch_id_missing", "A CSV batch needs ?batch_id= (letters, digits, . _ : -)."
            )
        try:
            return query_batch_id, from_csv_bytes(kind, body)
        except FeedFileError as exc:
            raise ApiError(422, "feed_batch_unreadable", str(exc)) from None
    if content_type != "application/json":
        raise ApiError(415, "unsupported_media_type", "Send application/json or text/csv.")
    try:
        batch = FeedBatchIn.model_validate_json(body)
    except ValidationError as exc:
        details = [
            ErrorDetail(field=".".join(str(p) for p in e["loc"]) or "body", code=e["type"], message=e["msg"])
            for e in exc.errors()[:50]
        ]
        raise ApiError(
            422, "validation_error", "The batch is not valid JSON rows.", details=details
        ) from None
    return batch.batch_id, from_json_rows(kind, batch.rows)


@router.post(
    "/{kind}/batches",
    response_model=FeedBatchReport,
    status_code=201,
    responses={**ERRORS, 200: {"model": FeedBatchReport, "description": "a resent batch: the stored report"}},
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {"schema": FeedBatchIn.model_json_schema()},
                "text/csv": {"schema": {"type": "string"}},
            },
        }
    },
)
def send_batch(
    kind: FeedKind,
    request: Request,
    source: Source,
    session: SessionDep,
    policy: PolicyDep,
    paths: RegionPathsDep,
    body: Annotated[bytes, Depends(feed_body)],
    batch_id: Annotated[str | None, Query(pattern=BATCH_ID_PATTERN, max_length=128)] = None,
) -> JSONResponse:
    """Send a batch of feed rows; the answer reports every row (201; 200 with ``replayed`` for a resend)."""
    limiter: RateLimiter = request.app.state.limiter
    limiter.charge(Budget.FEED_BATCH, f"feed_source:{source.id}")
    if kind.value not in source.kinds:
        raise ApiError(
            403,
            "feed_kind_not_allowed",
            f"This source may not send {kind.value} feeds.",
            params={"kind": kind.value},
        )
    chosen, parsed = _parse(kind, request, body, batch_id)
    ctx = FeedContext(policy=policy, region_paths=paths, today=agency_today(), actor=actor_of(source))
    try:
        report, replayed = submit_batch(session, source, kind, chosen, parsed, ctx=ctx)
        session.commit()
    except BatchConflict:
        session.rollback()
        raise _conflict(chosen) from None
    except FeedFileError as exc:
        session.rollback()
        raise ApiError(422, "feed_batch_unreadable", str(exc)) from None
    except IntegrityError:  # the same batch sent twice at once: the other request stored it first
        session.rollback()
        existing = find_batch(session, source, chosen)
        if existing is None:
            raise
        try:
            report, replayed = replay(existing, kind, parsed.digest), True
        except BatchConflict:
            raise _conflict(chosen) from None
    answer = FeedBatchReport.model_validate({**report, "replayed": replayed})
    return JSONResponse(answer.model_dump(mode="json"), status_code=200 if replayed else 201)


def _conflict(batch_id: str) -> ApiError:
    return ApiError(
        409,
        "feed_batch_conflict",
        "This batch_id was used before for other content; send new content under a new batch_id.",
        params={"batch_id": batch_id},
    )


@router.get("/batches/{batch_id}", response_model=FeedBatchReport, responses=ERRORS)
def get_batch(batch_id: BatchId, source: Source, session: SessionDep) -> FeedBatchReport:
    """The report of a batch this source sent before (404 for any other id)."""
    existing = find_batch(session, source, batch_id)
    if existing is None:
        raise ApiError(404, "not_found", "No batch with this id from this source.")
    return FeedBatchReport.model_validate(existing.report)
