"""Checking one preview picture for a live challenge with the face engine's quality gate.

Nothing is written: the picture is decoded, checked and dropped; a bad picture is not a failed attempt.
The answer says only what the quality gate says (lighting, size, how many faces): the anti-spoofing
signal is deliberately not revealed, so the preview cannot be used to tune a presentation attack.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from api.challenges.models import Challenge
from api.core.engines import EngineHolder
from api.core.errors import ApiError
from api.core.settings import IntakeSettings
from api.evidence.intake import JPEG, IntakeRefused, check_upload
from face.types import FaceInputError, ReasonCode
from shared.preview import PreviewResult

MAX_PREVIEW_BYTES = 512 * 1024  # one preview picture; the web camera gives ~8 KB, phones ~50-200 KB
JPEG_MAGIC = b"\xff\xd8\xff"

# Intake refusals that are still a hint (the picture decoded but is too small to find a face in):
# answered as ok=False with that reason rather than as an error.
_HINT_INTAKE_REASONS = {ReasonCode.IMAGE_TOO_SMALL}


def require_live_challenge(session: Session, challenge_id: str, now: datetime) -> None:
    """404 unknown, 409 used, 410 expired: previews are only for a challenge that can still be submitted."""
    challenge = session.get(Challenge, challenge_id)
    if challenge is None:
        raise ApiError(404, "not_found", "This challenge does not exist. Start a new certification.")
    if challenge.used_at is not None:
        raise ApiError(409, "challenge_used", "This challenge was already used. Start a new certification.")
    if challenge.expires_at <= now:
        raise ApiError(410, "challenge_expired", "This challenge has expired. Start a new certification.")


def check_picture(engines: EngineHolder, data: bytes, limits: IntakeSettings) -> PreviewResult:
    """Run ``FaceEngine.check`` on one JPEG (in the calling worker thread, within the engine's slots),
    after the intake checked its header (pixel limit) and decoded it bounded."""
    if not data.startswith(JPEG_MAGIC):
        raise ApiError(415, "not_jpeg", "The preview picture must be a JPEG photo.")
    try:
        check_upload(
            data,
            allowed=(JPEG,),
            max_bytes=MAX_PREVIEW_BYTES,
            limits=limits,
            max_pixels=limits.max_frame_pixels,
        )
    except IntakeRefused as exc:
        raise ApiError(exc.status, exc.code, f"The preview picture: {exc.message}.") from None
    try:
        result = engines.run(lambda engine: engine.check(data))
    except FaceInputError as exc:
        if exc.code in _HINT_INTAKE_REASONS:
            return PreviewResult(ok=False, reason=exc.code.value, message=exc.message)
        raise ApiError(422, "invalid_image", exc.message) from None
    report = result.quality
    return PreviewResult(ok=report.ok, reason=report.reason.value, message=report.message)
