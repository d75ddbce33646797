"""Self-certification by face: ask for a challenge, then submit its frames."""

from __future__ import annotations

import itertools
from typing import Annotated

from fastapi import APIRouter, Header, Request
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from api.auth.deps import OptionalPrincipal
from api.certification.people import find_person, require_certifiable
from api.challenges import service, submission
from api.challenges.models import ChallengePurpose
from api.challenges.types import FrameUpload
from api.core.context import CertContextDep, RateLimited, charge_person
from api.core.db import session_scope
from api.core.errors import ApiError
from api.core.operator import SELF
from api.core.settings import Settings
from api.evidence.intake import JPEG, IntakeRefused, check_upload
from face.types import TimedFrame
from shared.schemas import ChallengeRequest, ChallengeResponse, ErrorResponse, FramesResult

router = APIRouter(prefix="/api/v1/challenges", tags=["certification"])

ERRORS: dict[int | str, dict[str, object]] = {
    code: {"model": ErrorResponse} for code in (400, 401, 403, 404, 409, 410, 413, 415, 422, 429, 503)
}


@router.post(
    "", response_model=ChallengeResponse, status_code=201, responses=ERRORS, dependencies=[RateLimited]
)
def create_challenge(body: ChallengeRequest, ctx: CertContextDep) -> ChallengeResponse:
    """A face challenge for the person with this ID number and name (random actions, short expiry)."""
    charge_person(ctx, body.id_number)
    with session_scope(ctx.sessions) as session:
        person = find_person(session, body.id_number, body.name)
        require_certifiable(session, person)
        return service.start(session, ctx, person=person, purpose=ChallengePurpose.SELF, operator=SELF)


def _flag(value: object, name: str) -> bool:
    if value is None:
        return False
    text = str(value).strip().lower()
    if text in {"true", "1", "yes", "on"}:
        return True
    if text in {"false", "0", "no", "off", ""}:
        return False
    raise ApiError(422, "validation_error", f"{name} must be true or false.")


def _times(value: object, count: int) -> list[int]:
    try:
        times = [int(part) for part in str(value or "").split(",") if part.strip()]
    except ValueError:
        raise ApiError(
            422, "invalid_times", "times_ms must be whole milliseconds separated by commas."
        ) from None
    if len(times) != count:
        raise ApiError(
            422,
            "invalid_times",
            f"times_ms must give one capture time per frame ({count}).",
            params={"count": count},
        )
    if any(t < 0 for t in times):
        raise ApiError(422, "invalid_times", "Capture times must not be negative.")
    if any(b <= a for a, b in itertools.pairwise(times)):
        raise ApiError(
            422, "frames_out_of_order", "The frames must come in capture order, each after the one before."
        )
    return times


def check_frames(frames: list[TimedFrame], settings: Settings) -> None:
    """Every frame through the one intake: pixel limit from its header, then a bounded decode (the face
    engine decodes with OpenCV only what passed here)."""
    for index, frame in enumerate(frames, start=1):
        try:
            check_upload(
                frame.data,
                allowed=(JPEG,),
                max_bytes=settings.max_upload_bytes,
                limits=settings.intake,
                max_pixels=settings.intake.max_frame_pixels,
            )
        except IntakeRefused as exc:
            raise ApiError(exc.status, exc.code, f"Frame {index}: {exc.message}.") from None


async def read_frames(request: Request, settings: Settings) -> FrameUpload:
    """Parse and check a multipart frame upload: limits on count, bytes per frame and in total; JPEG only."""
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > settings.max_request_bytes:
        raise ApiError(413, "payload_too_large", "The upload is too large; send fewer or smaller frames.")
    if not request.headers.get("content-type", "").startswith("multipart/form-data"):
        raise ApiError(415, "unsupported_media_type", "Send the frames as multipart/form-data.")
    try:
        form = await request.form(max_files=settings.max_frames, max_fields=10)
    except (
        Exception
    ) as exc:  # starlette raises HTTPException / MultiPartException for malformed or oversized forms
        raise ApiError(
            413 if "Too many" in str(exc) else 400,
            "invalid_upload",
            f"The upload could not be read (at most {settings.max_frames} frames).",
            params={"max": settings.max_frames},
        ) from exc
    try:
        if not _flag(form.get("consent"), "consent"):
            raise ApiError(
                422,
                "consent_required",
                "Please agree that your face may be captured and compared for this certification.",
            )
        keep_reference = _flag(form.get("keep_reference"), "keep_reference")
        files = [f for f in form.getlist("frames") if isinstance(f, UploadFile)]
        if not settings.min_frames <= len(files) <= settings.max_frames:
            raise ApiError(
                422,
                "frame_count",
                f"Send between {settings.min_frames} and {settings.max_frames} frames.",
                params={"min": settings.min_frames, "max": settings.max_frames},
            )
        times = _times(form.get("times_ms"), len(files))
        frames: list[TimedFrame] = []
        total = 0
        for index, (upload, t_ms) in enumerate(zip(files, times, strict=True)):
            data = await upload.read(settings.max_upload_bytes + 1)
            if len(data) > settings.max_upload_bytes:
                raise ApiError(
                    413,
                    "payload_too_large",
                    f"Frame {index + 1} is larger than the limit.",
                    params={"frame": index + 1},
                )
            total += len(data)
            if total > settings.max_request_bytes:
                raise ApiError(413, "payload_too_large", "The frames together are larger than the limit.")
            if data[:3] != b"\xff\xd8\xff":
                raise ApiError(
                    415,
                    "not_jpeg",
                    f"Frame {index + 1} is not a JPEG picture.",
                    params={"frame": index + 1},
                )
            frames.append(TimedFrame(data=data, t_ms=t_ms))
        await run_in_threadpool(check_frames, frames, settings)
        return FrameUpload(frames=tuple(frames), consent=True, keep_reference=keep_reference)
    finally:
        await form.close()


@router.post(
    "/{challenge_id}/frames",
    response_model=FramesResult,
    responses=ERRORS,
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "multipart/form-data": {
                    "schema": {
                        "type": "object",
                        "required": ["frames", "times_ms", "consent"],
                        "properties": {
                            "frames": {"type": "array", "items": {"type": "string", "format": "binary"}},
                            "times_ms": {"type": "string", "description": "capture times, comma-separated"},
                            "consent": {"type": "boolean"},
                            "keep_reference": {"type": "boolean"},
                        },
                    }
                }
            },
        }
    },
)
async def submit_frames(
    challenge_id: str,
    request: Request,
    ctx: CertContextDep,
    principal: OptionalPrincipal,
    idempotency_key: Annotated[str | None, Header(alias="Idempotency-Key")] = None,
) -> FramesResult:
    """Submit the captured frames; a retry with the same Idempotency-Key returns the same answer."""
    submission.check_key(idempotency_key)
    upload = await read_frames(request, ctx.settings)
    return await run_in_threadpool(
        submission.submit,
        ctx,
        challenge_id=challenge_id,
        key=idempotency_key,
        upload=upload,
        principal=principal,
    )
