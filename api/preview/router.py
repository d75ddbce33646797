"""``POST /api/v1/challenges/{challenge_id}/preview``: one JPEG in the body → {ok, reason, message}.

Rate-limited per client (its own budget, ``LIFECERT_LIMITS__PREVIEW``: a camera screen sends about one
picture a second), only for a live unexpired challenge, size-limited, never stored and never counted as a
failed attempt.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool

from api.core.context import CertContextDep
from api.core.db import utcnow
from api.core.deps import ClientIp
from api.core.errors import ApiError
from api.core.limiter import Budget
from api.preview import service
from shared.preview import PreviewResult
from shared.schemas import ErrorResponse

router = APIRouter(prefix="/api/v1/challenges", tags=["certification"])

ERRORS: dict[int | str, dict[str, object]] = {
    code: {"model": ErrorResponse} for code in (404, 409, 410, 413, 415, 422, 429, 503)
}


async def _read_picture(request: Request) -> bytes:
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > service.MAX_PREVIEW_BYTES:
        raise ApiError(413, "payload_too_large", "The preview picture is too large (at most 512 KB).")
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > service.MAX_PREVIEW_BYTES:
            raise ApiError(413, "payload_too_large", "The preview picture is too large (at most 512 KB).")
    if not body:
        raise ApiError(422, "empty_picture", "Send one JPEG picture as the request body.")
    return bytes(body)


@router.post(
    "/{challenge_id}/preview",
    response_model=PreviewResult,
    responses=ERRORS,
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"image/jpeg": {"schema": {"type": "string", "format": "binary"}}},
        }
    },
)
async def preview(challenge_id: str, request: Request, ctx: CertContextDep, ip: ClientIp) -> PreviewResult:
    """Is this picture good enough to start the challenge? A hint (too dark, move closer…) when not."""
    await ctx.limiter.charge_async(Budget.PREVIEW, ip)
    data = await _read_picture(request)

    def check() -> PreviewResult:
        with ctx.sessions() as session:
            service.require_live_challenge(session, challenge_id, utcnow())
        return service.check_picture(ctx.engines, data, ctx.settings.intake)

    return await run_in_threadpool(check)
